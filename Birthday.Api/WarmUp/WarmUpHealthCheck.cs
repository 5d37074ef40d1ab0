using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Api.WarmUp;

/// <summary>Unready until the request paths have run once: a cold instance in the gateway's rotation answers its first burst in seconds.</summary>
public sealed class WarmUpHealthCheck(WarmUpState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDone
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Warming up: running each request path once before taking traffic."));
}
