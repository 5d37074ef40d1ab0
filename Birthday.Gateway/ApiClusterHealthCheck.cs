using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Birthday.Gateway;

/// <summary>
/// The gateway is ready while its active health checks see at least one healthy api instance: degraded when some are
/// down, unhealthy when none is (a load balancer in front should then stop sending us traffic we cannot serve). Only an
/// instance that has passed a probe counts: YARP routes to instances it has not probed yet, and to every instance when
/// none is healthy ("panic"), but neither says the api is there.
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
        var available = cluster.Destinations.Values.Count(destination =>
            destination.Health.Active == DestinationHealth.Healthy && destination.Health.Passive != DestinationHealth.Unhealthy);
        return Task.FromResult(available == all ? HealthCheckResult.Healthy($"{available} of {all} api instances healthy")
            : available > 0 ? HealthCheckResult.Degraded($"{available} of {all} api instances healthy")
            : HealthCheckResult.Unhealthy("no api instance is healthy"));
    }
}
