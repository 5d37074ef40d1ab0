using Birthday.Hosting.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Tests.Unit;

/// <summary>
/// A server that becomes ready while Aspire waits between two checks of it is seen ready at once: each run of its health
/// check keeps asking for a few seconds. One that stays down is still reported down, after that window.
/// </summary>
public sealed class AskingUntilHealthyTests
{
    [Fact]
    public async Task A_server_that_becomes_ready_during_a_check_is_reported_healthy_by_that_check()
    {
        var server = new ReadyAfter(3);

        var result = await new AskingUntilHealthy(server).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(3, server.Asked);
    }

    [Fact]
    public async Task A_server_that_stays_down_is_reported_unhealthy_once_the_window_is_over()
    {
        var server = new ReadyAfter(int.MaxValue);

        var result = await new AskingUntilHealthy(server).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.InRange(server.Asked, 2, (int)(AskingUntilHealthy.Window.TotalMilliseconds / 250) + 1);
    }

    private sealed class ReadyAfter(int tries) : IHealthCheck
    {
        public int Asked { get; private set; }

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(++Asked >= tries ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not listening yet"));
    }
}
