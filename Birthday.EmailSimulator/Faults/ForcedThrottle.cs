namespace Birthday.EmailSimulator.Faults;

/// <summary>429s forced by <c>POST /admin/throttle</c> for the next N sends, whatever the rate.</summary>
public sealed class ForcedThrottle
{
    // May go below zero when sends race for the last one; read as zero.
    private long _remaining;
    private int _retryAfterSeconds = 1;

    public ThrottleStatus Force(int requests, int retryAfterSeconds)
    {
        Volatile.Write(ref _retryAfterSeconds, retryAfterSeconds);
        Interlocked.Exchange(ref _remaining, requests);
        return Status();
    }

    public ThrottleStatus Status() =>
        new(Math.Max(0, Volatile.Read(ref _remaining)), Volatile.Read(ref _retryAfterSeconds));

    public bool TryTake(out int retryAfterSeconds)
    {
        // Reading before decrementing keeps the usual case (nothing forced) free of writes to a shared cache line.
        if (Volatile.Read(ref _remaining) <= 0 || Interlocked.Decrement(ref _remaining) < 0)
        {
            retryAfterSeconds = 0;
            return false;
        }

        retryAfterSeconds = Volatile.Read(ref _retryAfterSeconds);
        return true;
    }
}
