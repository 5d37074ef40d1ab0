using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.AppHost.Infrastructure.Host;

/// <summary>Healthy when something accepts TCP connections on the port (for servers with no protocol worth speaking, like epmd).</summary>
public sealed class TcpHealthCheck(int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy($"nothing listens on 127.0.0.1:{port}", ex);
        }
    }
}
