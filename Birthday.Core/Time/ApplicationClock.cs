using NodaTime;

namespace Birthday.Core.Time;

/// <summary>
/// The one clock every service decides with. In production it is the system clock. For tests and benchmarks the whole
/// application can run in virtual time: the system clock plus an offset that starts at <c>Clock:VirtualStart</c> and
/// that the test harness may move forward (never back) while the application runs; it runs at real speed in between.
/// </summary>
public sealed class ApplicationClock(IClock system, Duration initialOffset) : IClock
{
    private long _offsetTicks = initialOffset.BclCompatibleTicks;

    public Duration Offset => Duration.FromTicks(Interlocked.Read(ref _offsetTicks));

    public Instant GetCurrentInstant() => system.GetCurrentInstant() + Offset;

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
    }
}
