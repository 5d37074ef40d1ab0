using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Birthday.Api.Users;

/// <summary>Degraded, not unhealthy, while Redis is away: the api serves from the database meanwhile (<see cref="UserCache"/>).</summary>
public sealed class CacheHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsConnected
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected; users are read from the database"));
}
