using NodaTime;

namespace Birthday.Core.Time;

/// <summary>
/// The one clock every service decides with. In production it is the system clock. For tests and benchmarks the whole
/// application can run in virtual time: the system clock plus an offset that starts at <c>Clock:VirtualStart</c> and
/// that the test harness may move forward (never back) while the application runs; it runs at real speed in between.
/// In virtual time a service's clock can also be set apart from the others by a skew (either sign), as two machines'
/// clocks disagree in production, so tests can show that delivery does not depend on the services' clocks agreeing.
/// </summary>
public sealed class ApplicationClock(IClock system, Duration initialOffset) : IClock
{
    private long _offsetTicks = initialOffset.BclCompatibleTicks;
    private long _skewTicks;

    public Duration Offset => Duration.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>
    /// Raised after this clock jumped: the offset moved forward or the skew changed. Whoever sleeps until an instant by
    /// this clock (the scheduler, until the next row is due) must wake and measure again: the instant may have come.
    /// </summary>
    public event EventHandler? Moved;

    /// <summary>How far this service's clock stands from the application's shared virtual time (zero unless a test sets it).</summary>
    public Duration Skew
    {
        get => Duration.FromTicks(Interlocked.Read(ref _skewTicks));
        set
        {
            if (Interlocked.Exchange(ref _skewTicks, value.BclCompatibleTicks) != value.BclCompatibleTicks)
            {
                Moved?.Invoke(this, EventArgs.Empty);
            }
        }
    }

    public Instant GetCurrentInstant() => system.GetCurrentInstant() + Offset + Skew;

    /// <summary>Moves virtual time forward; an older offset (a stale read) is ignored, so time never runs backwards.</summary>
    public void AdvanceTo(Duration offset)
    {
        var ticks = offset.BclCompatibleTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _offsetTicks);
            if (ticks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _offsetTicks, ticks, current) != current);

        Moved?.Invoke(this, EventArgs.Empty);
    }
}
