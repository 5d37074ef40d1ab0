namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>One RabbitMQ node of the host-mode cluster (an Erlang VM started through Debian's rabbitmq-server script).</summary>
public sealed class HostRabbitMQNodeResource(string name, string command, string workingDirectory, string nodeName, int amqpPort, int managementPort)
    : ExecutableResource(name, command, workingDirectory)
{
    /// <summary>Erlang node name, e.g. <c>rabbit1@localhost</c>: the identity the cluster remembers across runs.</summary>
    public string NodeName { get; } = nodeName;

    public int AmqpPort { get; } = amqpPort;

    public int ManagementPort { get; } = managementPort;
}
