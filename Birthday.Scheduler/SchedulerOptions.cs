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

    /// <summary>
    /// The shortest time from one claim to the next when the last one found less than a full batch: however often writes
    /// signal, a scheduler claims at most this often. A row that comes due while nothing else is being claimed is claimed
    /// at its due instant; one that comes due (or is signalled) within this long of the last claim waits for the rest of it.
    /// The longest wait is <c>Delivery:IdlePollInterval</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pause between recovery passes (lapsed leases, missed messages).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between repair passes (users whose chain has no open message).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromMinutes(10);
}
