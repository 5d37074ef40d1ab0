using System.ComponentModel.DataAnnotations;

namespace Birthday.Scheduler;

/// <summary>How the scheduler paces itself (configuration section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>Rows claimed and published per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Rows per queue message: the broker's cost is per message, the worker takes a message's rows in one statement.</summary>
    [Range(1, Core.Messaging.DeliveryRequest.MaxMessageIds)]
    public int RowsPerQueueMessage { get; set; } = 20;

    /// <summary>Pause between claims when the last one found less than a full batch (the lateness floor for a due message).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pause between recovery passes (lapsed leases, missed messages).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between repair passes (users whose chain has no open message).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromMinutes(10);
}
