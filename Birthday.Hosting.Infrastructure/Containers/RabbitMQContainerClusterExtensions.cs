using Birthday.Hosting.Compose;

namespace Birthday.Hosting.Infrastructure.Containers;

public static class RabbitMQContainerClusterExtensions
{
    /// <summary>
    /// A node opens its AMQP listener as the last step of its boot, so a TCP connection to it says the node has booted and
    /// takes clients; RabbitMQ logs nothing for a connection closed before the protocol header. Not
    /// <c>rabbitmq-diagnostics</c>: each call starts an Erlang runtime of its own, and its two calls took 2.5–2.7 CPU
    /// seconds per probe, about half a core for three nodes probed every 10 s; under load they overran the 5 s timeout and
    /// a healthy node was marked unhealthy (docs/deployment.md, "The Compose file in a real container engine").
    /// </summary>
    private const string AmqpListenerOpen = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/5672'";

    /// <summary>
    /// <paramref name="nodeCount"/> RabbitMQ containers sharing one Erlang cookie; nodes 2..n find node 1 through classic
    /// peer discovery. The connection string <c>{name}</c> names every node, like host mode's.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQContainerCluster(
        this IDistributedApplicationBuilder builder, string name, int nodeCount)
    {
        var userName = builder.AddParameter($"{name}-username", "birthday");
        var password = builder.AddGeneratedSecret($"{name}-password");
        var cookie = builder.AddGeneratedSecret($"{name}-cookie");

        var nodes = Enumerable.Range(1, nodeCount).Select(index =>
        {
            var nodeName = $"{name}-{index}";
            var node = builder.AddRabbitMQ(nodeName, userName, password)
                .WithManagementPlugin()
                .WithImageFromSettings("RabbitMQ") // after the plugin, which accepts only the official image it switches to -management
                .WithDataVolume($"{nodeName}-data")
                .WithContainerRuntimeArgs("--hostname", nodeName)
                .WithComposeService(AmqpListenerOpen, cpus: "1", memory: "1g")
                .WithEnvironment("RABBITMQ_NODENAME", $"rabbit@{nodeName}")
                .WithEnvironment("RABBITMQ_ERLANG_COOKIE", cookie);
            if (index > 1)
            {
                // Classic peer discovery reads its nodes from the application setting rabbit.cluster_nodes (what
                // rabbitmq.conf's cluster_formation.classic_config.nodes.N becomes), not from inside cluster_formation.
                // All nodes start together: the joiners keep looking for node 1 (up to 120 × 1 s) instead of booting alone.
                node.WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                    $"-rabbit cluster_nodes {{['rabbit@{name}-1'],disc}} -rabbit cluster_formation [{{peer_discovery_backend,rabbit_peer_discovery_classic_config}},{{discovery_retry_limit,120}},{{discovery_retry_interval,1000}}]");
            }

            return node;
        }).ToList();

        var hosts = ReferenceExpression.Create($"{nodes[0].GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)}");
        foreach (var node in nodes.Skip(1))
        {
            hosts = ReferenceExpression.Create($"{hosts},{node.GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)}");
        }

        // Waiting for the cluster means waiting for every node: a quorum queue takes as members the nodes present when it is declared.
        var cluster = builder.AddConnectionString(name, ReferenceExpression.Create($"amqp://{userName}:{password}@{hosts}/"));
        foreach (var node in nodes)
        {
            cluster.WaitFor(node);
        }

        return cluster;
    }
}
