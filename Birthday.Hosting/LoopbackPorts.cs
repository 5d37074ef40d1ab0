using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Birthday.Hosting;

/// <summary>
/// Free TCP ports on 127.0.0.1 for host-mode servers. Host servers are not behind DCP's proxy (an extra hop on every
/// database call), so their ports are chosen here; a fresh set per run lets tests and a developer's run live side by side.
/// </summary>
public static class LoopbackPorts
{
    // Below Linux's ephemeral range (32768–60999): a port chosen here stays free until the server binds it, even when the
    // server starts a minute later, because nothing that asks the kernel for "any port" (DCP's proxies, outgoing
    // connections) is handed one from this range. It also keeps Erlang's distribution port arithmetic below 65536.
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly HashSet<int> Handed = [];

    // Aspire picks the ports of replicas and of endpoints without a proxy from its own range (10000–32767 unless told
    // otherwise), checking only that a port is free at that moment: it once handed a worker a port that a RabbitMQ node
    // chosen here had bound since ("address already in use", the worker never started). Below ours, the two never meet.
    private const int AspireFirst = 10000;
    private const int AspireLast = First - 1;

    /// <summary>Keeps the ports Aspire chooses itself out of the range this class hands out.</summary>
    public static void KeepAspireOutOfOurRange(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration["DcpPublisher:ProxylessEndpointPortRangeStart"] ??= AspireFirst.ToString(CultureInfo.InvariantCulture);
        builder.Configuration["DcpPublisher:ProxylessEndpointPortRangeEnd"] ??= AspireLast.ToString(CultureInfo.InvariantCulture);
    }

    public static int Next()
    {
        lock (Handed)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (!Handed.Contains(port) && IsFree(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {First} and {Last}.");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
