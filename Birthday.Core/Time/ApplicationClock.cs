using NodaTime;

namespace Birthday.Core.Time;

/// <summary>
/// The one clock every service decides with. In production it is the system clock. Tests and benchmarks may start the
/// whole application at a chosen virtual instant (<c>Clock:VirtualStart</c>), from which it runs at real speed.
/// </summary>
public sealed class ApplicationClock : IClock
{
    private readonly IClock _system;
    private readonly Duration _offset;

    public ApplicationClock(IClock system, Instant? virtualStart, Instant? realStart = null)
    {
        _system = system;
        _offset = virtualStart is { } start ? start - (realStart ?? system.GetCurrentInstant()) : Duration.Zero;
    }

    public bool IsVirtual => _offset != Duration.Zero;

    public Instant GetCurrentInstant() => _system.GetCurrentInstant() + _offset;
}
