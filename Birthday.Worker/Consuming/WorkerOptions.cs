using System.ComponentModel.DataAnnotations;

namespace Birthday.Worker.Consuming;

/// <summary>How much one worker takes on at once (configuration section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Deliveries in flight per worker; also the queue prefetch, so the broker never hands over more than we work on.</summary>
    [Range(1, 1000)]
    public int Concurrency { get; set; } = 32;
}
