using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Worker.Sending;

/// <summary>An open circuit makes the worker Degraded, not Unhealthy: it is fine, the vendor is not, and messages wait safely.</summary>
public sealed class EmailCircuitHealthCheck(CircuitState circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(circuit.Value switch
        {
            0 => HealthCheckResult.Healthy("email circuit closed"),
            1 => HealthCheckResult.Degraded("email circuit half-open: probing the email service"),
            _ => HealthCheckResult.Degraded("email circuit open: the email service is failing; messages wait for it"),
        });
}
