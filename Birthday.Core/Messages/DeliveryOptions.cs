using System.ComponentModel.DataAnnotations;

namespace Birthday.Core.Messages;

/// <summary>Rules of delivery shared by the scheduler and the workers (configuration section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>How late a message may still be sent; older ones become Missed. 36 h lets a day-long outage still deliver.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Lateness { get; set; } = TimeSpan.FromHours(36);

    /// <summary>How long a worker may hold a row in Sending before the scheduler takes it back (longer than the resilient send).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan SendingLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First wait for a row sitting in the queue before it is queued again; doubles with each re-queue, up to an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan EnqueuedLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts (sends that reached or tried to reach the vendor) before a message is Failed for good.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First durable retry delay; doubles per attempt (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest the scheduler waits between claims while nothing it knows of is due sooner: it sleeps until the
    /// earliest Pending row is due, or this long at most. A write that makes a row due sooner than the writer's now plus
    /// this wakes the schedulers at once (<see cref="DueSoonRule"/>), so a longer wait costs no lateness, only a later
    /// look at what the signals missed (a lost listener connection). Every service that writes messages reads it: they
    /// must agree, which is why it lives here and not with the scheduler's own pacing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How far behind the scheduler's clock a worker's may run and still send what the scheduler claimed as due. The
    /// claim decides "due"; the worker only refuses a row claimed further ahead of its own clock than this, which takes a
    /// clock that is plainly wrong, not the milliseconds by which two machines' clocks always disagree.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(10);
}
