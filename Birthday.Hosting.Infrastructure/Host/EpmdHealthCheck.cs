using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// Healthy when epmd answers a NAMES request (a bare connect-and-close would make epmd log a "partial packet" error on
/// every probe).
/// </summary>
public sealed class EpmdHealthCheck(int port) : IHealthCheck
{
    // EPMD_NAMES_REQ: a two-byte length (1) and the request code 110 ('n'); epmd answers with its port (4 bytes) and the node list.
    private static readonly byte[] NamesRequest = [0, 1, 110];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(NamesRequest, cancellationToken);
            var answer = new byte[4];
            await stream.ReadExactlyAsync(answer, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (EndOfStreamException ex)
        {
            return HealthCheckResult.Unhealthy("epmd closed the connection without answering", ex);
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy($"nothing listens on 127.0.0.1:{port}", ex);
        }
    }
}
