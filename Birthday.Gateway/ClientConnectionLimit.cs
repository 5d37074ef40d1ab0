using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Birthday.Gateway;

/// <summary>
/// A cap on open connections per client address, as Kestrel connection middleware (Kestrel caps connections only in
/// total). It counts connections, not requests: a slow-loris client never completes a request, so the rate limiter and
/// its per-client concurrency limit never see it. Past the cap a new connection is closed before a byte is read; nothing
/// can be answered on it, as it may be TLS that has not even started.
/// </summary>
public sealed class ClientConnectionLimit(int maxPerClient, ILogger<ClientConnectionLimit> logger)
{
    private readonly Dictionary<IPAddress, int> _open = [];

    public int OpenFrom(IPAddress client)
    {
        lock (_open)
        {
            return _open.GetValueOrDefault(client);
        }
    }

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var client })
        {
            await next(connection);
            return;
        }

        if (!TryEnter(client))
        {
            // Debug, not Warning: under a flood a line per refused connection would be the flood's echo in the logs.
            logger.LogDebug("Closed a connection from {Client}: it already has {Limit} open", client, maxPerClient);
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Leave(client);
        }
    };

    private bool TryEnter(IPAddress client)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= maxPerClient)
            {
                return false;
            }

            _open[client] = open + 1;
            return true;
        }
    }

    private void Leave(IPAddress client)
    {
        lock (_open)
        {
            if (_open[client] <= 1)
            {
                _open.Remove(client);
            }
            else
            {
                _open[client]--;
            }
        }
    }
}
