using NodaTime;

namespace Birthday.Core.Time;

/// <summary>
/// A clock that ticks in whole microseconds, the finest instant Postgres keeps. The system clock's 100 ns ticks would
/// give a write's answer (and the cache entry made from it) a <c>createdAt</c> that the database then stores rounded,
/// so the same user would read back with two different instants depending on where the read was served from.
/// </summary>
public sealed class MicrosecondClock(IClock inner) : IClock
{
    private const long TicksPerMicrosecond = NodaConstants.TicksPerMillisecond / 1_000;

    public Instant GetCurrentInstant()
    {
        var ticks = inner.GetCurrentInstant().ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - ((ticks % TicksPerMicrosecond) + TicksPerMicrosecond) % TicksPerMicrosecond);
    }
}
