using Birthday.EmailSimulator.Contract;

namespace Birthday.EmailSimulator.Faults;

/// <summary>
/// The vendor's rate limit: fixed one-second windows; past the limit within the current second, sends get 429 until the
/// next second begins.
/// </summary>
public sealed class PerSecondRateLimit(TimeProvider time)
{
    // The window (Unix seconds, low 31 bits) in the high half and its count in the low half, so one compare-and-swap
    // moves both and the hot path takes no lock.
    private long _windowAndCount;

    public bool TryAcquire(int limitPerSecond, out int retryAfterSeconds)
    {
        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var window = second & int.MaxValue;
        long count;
        while (true)
        {
            var current = Volatile.Read(ref _windowAndCount);
            count = current >> 32 == window ? (current & uint.MaxValue) + 1 : 1;
            if (Interlocked.CompareExchange(ref _windowAndCount, (window << 32) | count, current) == current)
            {
                break;
            }
        }

        retryAfterSeconds = count <= limitPerSecond ? 0 : RetryAfter.Seconds(DateTimeOffset.FromUnixTimeSeconds(second + 1) - now);
        return count <= limitPerSecond;
    }
}
