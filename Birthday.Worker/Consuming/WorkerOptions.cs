using System.ComponentModel.DataAnnotations;

namespace Birthday.Worker.Consuming;

/// <summary>How much one worker takes on at once (configuration section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Sends in flight per worker.</summary>
    [Range(1, 1000)]
    public int Concurrency { get; set; } = 32;

    /// <summary>
    /// Queue messages (each a few rows) a worker holds at once: enough to keep <see cref="Concurrency"/> sends busy,
    /// few enough that the other workers get their share of a burst.
    /// </summary>
    [Range(1, 100)]
    public int Prefetch { get; set; } = 4;
}
