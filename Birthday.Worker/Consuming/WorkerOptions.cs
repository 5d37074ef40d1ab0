using System.ComponentModel.DataAnnotations;

namespace Birthday.Worker.Consuming;

/// <summary>How much one worker takes on at once (configuration section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// Sends in flight per worker (a send waiting out a quick retry holds its place). At least <see cref="Prefetch"/>
    /// × the scheduler's rows per queue message, so no taken row waits for a place: its Sending lease is running.
    /// </summary>
    [Range(1, 5000)]
    public int Concurrency { get; set; } = 640;

    /// <summary>
    /// Queue messages (each a few rows) a worker holds at once. A message is acked when its last row is recorded, so one
    /// row waiting out a vendor error holds the whole message: many in hand keep the sends busy meanwhile. With 10 % of
    /// sends failing nearly every message waits a second or so for a quick retry, so what is in hand sets the pace; with
    /// no failures it makes little difference (docs/benchmarks.md, Delivery).
    /// </summary>
    [Range(1, 1000)]
    public int Prefetch { get; set; } = 32;
}
