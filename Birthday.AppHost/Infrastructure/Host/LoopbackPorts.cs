using System.Net;
using System.Net.Sockets;

namespace Birthday.AppHost.Infrastructure.Host;

/// <summary>
/// Free TCP ports on 127.0.0.1 for host-mode servers. Host servers are not behind DCP's proxy (an extra hop on every
/// database call), so their ports are chosen here; a fresh set per run lets tests and a developer's run live side by side.
/// </summary>
public static class LoopbackPorts
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();

                // Erlang's distribution port is ours too and must stay below 65536 (RabbitMQ's default of port + 20000 overflows).
                if (port < 60000 && Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
