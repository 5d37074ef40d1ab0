using RabbitMQ.Client;

namespace Birthday.Core.Messaging;

/// <summary>
/// A connection string that names every node of a cluster, <c>amqp://user:password@host1:port1,host2:port2/vhost</c>
/// (the multi-host form Postgres and MongoDB URIs use): split into the first node's URI, which the client library
/// understands, and the list of all nodes, which the connection tries in turn (first at start, again on every recovery).
/// </summary>
public sealed record RabbitMQClusterAddress(Uri FirstNode, IReadOnlyList<AmqpTcpEndpoint> Nodes)
{
    public static RabbitMQClusterAddress Parse(string connectionString)
    {
        const string separator = "://";
        var schemeEnd = connectionString.IndexOf(separator, StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw new FormatException("A RabbitMQ connection string is an amqp:// or amqps:// URI.");
        }

        var authorityStart = schemeEnd + separator.Length;
        var pathStart = connectionString.IndexOf('/', authorityStart);
        var authorityEnd = pathStart < 0 ? connectionString.Length : pathStart;
        var authority = connectionString[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..(at + 1)];
        var hosts = authority[(at + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hosts.Length == 0)
        {
            throw new FormatException("A RabbitMQ connection string names at least one host.");
        }

        var prefix = connectionString[..authorityStart];
        var path = connectionString[authorityEnd..];
        var uris = hosts.Select(host => new Uri(prefix + userInfo + host + path)).ToList();
        var nodes = uris.Select(uri => new AmqpTcpEndpoint(uri)).ToList();
        return new RabbitMQClusterAddress(uris[0], nodes);
    }
}
