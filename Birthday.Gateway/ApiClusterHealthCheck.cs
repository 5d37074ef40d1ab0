using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace Birthday.Gateway;

/// <summary>
/// The gateway is ready while its active health checks see at least one healthy api instance: degraded when some are
/// down, unhealthy when none is (a load balancer in front should then stop sending us traffic we cannot serve).
/// </summary>
public sealed class ApiClusterHealthCheck(IProxyStateLookup proxy) : IHealthCheck
{
    public const string ClusterId = "api";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!proxy.TryGetCluster(ClusterId, out var cluster) || cluster.Destinations.IsEmpty)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no api instances are configured"));
        }

        var all = cluster.Destinations.Count;
        var available = cluster.DestinationsState.AvailableDestinations.Count;
        return Task.FromResult(available == all ? HealthCheckResult.Healthy($"{available} of {all} api instances healthy")
            : available > 0 ? HealthCheckResult.Degraded($"{available} of {all} api instances healthy")
            : HealthCheckResult.Unhealthy("no api instance is healthy"));
    }
}
