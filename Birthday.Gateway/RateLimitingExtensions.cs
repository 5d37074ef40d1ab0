using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Birthday.Gateway;

public static class RateLimitingExtensions
{
    public const string ApiPolicy = "api";
    public const string WritesPolicy = "writes";

    /// <summary>
    /// Per-client-IP token buckets (every request; API reads; writes) and a cap on requests in flight per client.
    /// A refusal is 429 with Retry-After and an RFC 9457 body, and is counted by ASP.NET Core's rate-limiting metrics.
    /// </summary>
    public static WebApplicationBuilder AddClientRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((options, gateway) =>
        {
            var limits = gateway.Value.RateLimits;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            if (limits.Disabled)
            {
                options.AddPolicy(ApiPolicy, _ => RateLimitPartition.GetNoLimiter("all"));
                options.AddPolicy(WritesPolicy, _ => RateLimitPartition.GetNoLimiter("all"));
                return;
            }

            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => Bucket(limits.GeneralPerSecond, limits.GeneralBurst))),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetConcurrencyLimiter(ClientOf(context), _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = limits.ConcurrentRequestsPerClient,
                        QueueLimit = 0,
                    })));
            options.AddPolicy(ApiPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => Bucket(limits.ApiPerSecond, limits.ApiBurst)));
            options.AddPolicy(WritesPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => Bucket(limits.WritesPerSecond, limits.WritesBurst)));
        });
        return builder;
    }

    /// <summary>The client is the connection's address: the gateway is the outermost hop, so no forwarded header is trusted here.</summary>
    private static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        // Refilled ten times a second, so a client at its limit is spread out rather than let through in one-second lumps.
        TokenLimit = Math.Max(burst, 1),
        TokensPerPeriod = Math.Max(1, perSecond / 10),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            detail: $"This client sent more requests than its limit allows; try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            extensions: new Dictionary<string, object?> { ["code"] = "rate_limited" }).ExecuteAsync(rejected.HttpContext);
    }
}
