using Birthday.EmailSimulator.Contract;
using Birthday.EmailSimulator.Stats;

namespace Birthday.EmailSimulator.Faults;

/// <summary>
/// Refusals a send meets before the vendor's mail system sees it (outage, forced throttle, rate limit): they cost no
/// latency and never touch idempotency keys, as at a real vendor's load balancer.
/// </summary>
public sealed class FrontDoor(Outage outage, ForcedThrottle forcedThrottle, PerSecondRateLimit rateLimit, SimulatorCounters counters)
{
    public VendorErrorResult? Refuse(FailureModes modes)
    {
        if (outage.IsActive(out var outageRetryAfter))
        {
            counters.CountFailure(FailureKind.Outage);
            return VendorErrorResult.Outage(outageRetryAfter);
        }

        if (forcedThrottle.TryTake(out var forcedRetryAfter))
        {
            counters.CountFailure(FailureKind.Throttled);
            return VendorErrorResult.RateLimited(forcedRetryAfter);
        }

        if (modes.RateLimitPerSecond > 0 && !rateLimit.TryAcquire(modes.RateLimitPerSecond, out var rateRetryAfter))
        {
            counters.CountFailure(FailureKind.Throttled);
            return VendorErrorResult.RateLimited(rateRetryAfter);
        }

        return null;
    }
}
