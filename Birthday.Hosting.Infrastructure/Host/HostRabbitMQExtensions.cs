using System.Runtime.Versioning;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Birthday.Hosting.Infrastructure.Host;

[SupportedOSPlatform("linux")]
public static class HostRabbitMQExtensions
{
    private const string UserName = "birthday";
    private const string FirstNodeName = "rabbit1@localhost";

    /// <summary>
    /// A RabbitMQ cluster of <paramref name="nodeCount"/> nodes on loopback, with an epmd of its own (the machine's default
    /// epmd would listen on every interface and outlive the application).
    /// The others find node 1 through classic peer discovery and form the cluster without any CLI joins. Membership lives
    /// in each node's data folder, so later runs rejoin the same cluster.
    /// </summary>
    /// <remarks>
    /// A new cluster forms only once node 1 is up: a node that joins while node 1 is still enabling its feature flags can
    /// find its tables in another shape and stop ("schema_integrity_check_failed", seen in a benchmark run). Later runs
    /// start every node at once, because then the node that stopped first waits on boot for the others.
    /// </remarks>
    public static IResourceBuilder<RabbitMQClusterResource> AddHostRabbitMQCluster(
        this IDistributedApplicationBuilder builder, string name, int nodeCount, HostState state, ServerBinaries binaries)
    {
        var cluster = new RabbitMQClusterResource(name, UserName, state.Secret("rabbitmq-password"));
        var cookie = state.Secret("rabbitmq-cookie");

        var epmdPort = LoopbackPorts.Next();
        var epmd = builder.AddExecutable($"{name}-epmd", binaries.Epmd, state.Root,
                "-address", "127.0.0.1", "-port", epmdPort.ToString(CultureInfo.InvariantCulture))
            .WithHealthCheck(() => new EpmdHealthCheck(epmdPort));

        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RabbitMQCluster",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithIconName("Channel");
        epmd.WithParentRelationship(clusterBuilder);

        var forming = !Directory.Exists(Path.Combine(state.Root, "rabbitmq", "node1", "mnesia", FirstNodeName));
        IResourceBuilder<HostRabbitMQNodeResource>? first = null;
        for (var index = 1; index <= nodeCount; index++)
        {
            var node = builder.AddRabbitMQNode($"{name}-{index}", index, cookie, epmdPort, cluster, state, binaries);
            node.WithParentRelationship(clusterBuilder).WaitFor(epmd);
            if (first is null)
            {
                first = node;
            }
            else if (forming)
            {
                node.WaitFor(first);
            }

            cluster.Add(node.Resource);
        }

        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<RabbitMQBootRetry>(
            services,
            (IReadOnlyCollection<IResource>)[.. cluster.Nodes],
            (Func<string, CancellationToken, Task>)((resourceId, ct) =>
                services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, ct))));
        return clusterBuilder
            .WithHealthCheck(() => new RabbitMQNodesHealthCheck(cluster.UserName, cluster.Password, cluster.Nodes))
            // The cluster has no process of its own: it runs once every node has started.
            .RunningWhenReady([.. cluster.Nodes]);
    }

    private static IResourceBuilder<HostRabbitMQNodeResource> AddRabbitMQNode(
        this IDistributedApplicationBuilder builder, string name, int index, string cookie, int epmdPort,
        RabbitMQClusterResource cluster, HostState state, ServerBinaries binaries)
    {
        var nodeName = $"rabbit{index}@localhost";
        var folder = state.Folder("rabbitmq", $"node{index}");
        var home = state.Folder("rabbitmq", $"node{index}", "home");
        var amqpPort = LoopbackPorts.Next();
        var managementPort = LoopbackPorts.Next();

        WriteCookie(Path.Combine(home, ".erlang.cookie"), cookie);
        var configFile = Path.Combine(folder, "rabbitmq.conf");
        File.WriteAllText(configFile, NodeConfig(index, managementPort, cluster));
        var pluginsFile = Path.Combine(folder, "enabled_plugins");
        File.WriteAllText(pluginsFile, "[rabbitmq_management].\n");
        var envFile = Path.Combine(folder, "rabbitmq-env.conf");
        File.WriteAllText(envFile, "# empty: every setting comes from the environment Aspire gives the node\n");

        var node = new HostRabbitMQNodeResource(name, Path.Combine(binaries.RabbitMQBin, "rabbitmq-server"), folder, nodeName, amqpPort, managementPort);

        return builder.AddResource(node)
            .WithEnvironment("HOME", home)
            .WithEnvironment("ERL_EPMD_PORT", epmdPort.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("ERL_FLAGS", "-start_epmd false")
            .WithEnvironment("RABBITMQ_NODENAME", nodeName)
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", amqpPort.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_DIST_PORT", LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", state.Folder("rabbitmq", $"node{index}", "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", state.Folder("rabbitmq", $"node{index}", "log"))
            .WithEnvironment("RABBITMQ_CONFIG_FILE", configFile)
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile)
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", envFile)
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}")
            .WithFixedPortEndpoint("amqp", amqpPort, "amqp")
            .WithFixedPortEndpoint("management", managementPort, "http")
            .WithHealthCheck(() => new RabbitMQNodesHealthCheck(cluster.UserName, cluster.Password, [node]))
            .WithIconName("Channel");
    }

    private static string NodeConfig(int index, int managementPort, RabbitMQClusterResource cluster)
    {
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"default_user = {cluster.UserName}")
            .AppendLine(CultureInfo.InvariantCulture, $"default_pass = {cluster.Password}")
            .AppendLine("management.tcp.ip = 127.0.0.1")
            .AppendLine(CultureInfo.InvariantCulture, $"management.tcp.port = {managementPort}")
            .AppendLine("log.console = true")
            .AppendLine("log.console.level = warning")
            .AppendLine("log.file = false");

        if (index > 1)
        {
            config.AppendLine("cluster_formation.peer_discovery_backend = classic_config")
                .AppendLine(CultureInfo.InvariantCulture, $"cluster_formation.classic_config.nodes.1 = {FirstNodeName}")
                .AppendLine("cluster_formation.discovery_retry_limit = 60")
                .AppendLine("cluster_formation.discovery_retry_interval = 1000");
        }

        return config.ToString();
    }

    private static void WriteCookie(string path, string cookie)
    {
        if (File.Exists(path) && File.ReadAllText(path) == cookie)
        {
            return;
        }

        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(path, cookie);
        // Erlang refuses a cookie file that anyone but its owner can read.
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
    }
}
