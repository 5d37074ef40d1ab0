using Birthday.EmailSimulator.Contract;

namespace Birthday.EmailSimulator.Faults;

/// <summary>A full outage switched on by <c>POST /admin/outage</c>: every send is refused with 503 until it ends.</summary>
public sealed class Outage(TimeProvider time)
{
    // UTC ticks of the end, 0 when there is none: one long, so every send can check it without a lock.
    private long _endsAtTicks;

    /// <summary>Starts an outage lasting <paramref name="duration"/> from now, replacing any other; zero ends it.</summary>
    public OutageStatus Start(TimeSpan duration)
    {
        Volatile.Write(ref _endsAtTicks, duration > TimeSpan.Zero ? (time.GetUtcNow() + duration).UtcTicks : 0);
        return Status();
    }

    public OutageStatus Status()
    {
        var endsAt = Volatile.Read(ref _endsAtTicks);
        return endsAt > time.GetUtcNow().UtcTicks
            ? new OutageStatus(true, new DateTime(endsAt, DateTimeKind.Utc))
            : new OutageStatus(false, null);
    }

    public bool IsActive(out int retryAfterSeconds)
    {
        var endsAt = Volatile.Read(ref _endsAtTicks);
        var now = time.GetUtcNow().UtcTicks;
        retryAfterSeconds = endsAt > now ? RetryAfter.Seconds(TimeSpan.FromTicks(endsAt - now)) : 0;
        return endsAt > now;
    }
}
