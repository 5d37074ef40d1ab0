using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Hosting.Infrastructure;

/// <summary>
/// Runs a server's health check again every quarter second, for up to <see cref="Window"/>, while it is not healthy.
/// Aspire checks a resource that is not yet healthy at a growing interval (1, 2, 3, 4, then every 5 s: its
/// ResourceHealthCheckService), so a server that became ready just after a check was seen as ready up to 5 s later, and
/// everything waiting for it started that much later: the replica waits for the primary, the api for both. Asked this
/// way, a server is seen healthy within a quarter second of being so, for the cost of a refused connection per try.
/// </summary>
internal sealed class AskingUntilHealthy(IHealthCheck check) : IHealthCheck
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var until = DateTime.UtcNow + Window;
        while (true)
        {
            var result = await check.CheckHealthAsync(context, cancellationToken);
            if (result.Status == HealthStatus.Healthy || DateTime.UtcNow + Pause > until)
            {
                return result;
            }

            await Task.Delay(Pause, cancellationToken);
        }
    }
}
