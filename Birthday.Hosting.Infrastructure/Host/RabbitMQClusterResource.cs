namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// The host-mode RabbitMQ cluster as one resource with one connection string naming every node
/// (<c>amqp://user:password@127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/</c>): a client reaches whichever node answers.
/// </summary>
public sealed class RabbitMQClusterResource(string name, string userName, string password)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    private readonly List<HostRabbitMQNodeResource> _nodes = [];

    public string UserName { get; } = userName;

    public string Password { get; } = password;

    public IReadOnlyList<HostRabbitMQNodeResource> Nodes => _nodes;

    public string ConnectionString =>
        $"amqp://{UserName}:{Password}@{string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.AmqpPort}"))}/";

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");

    internal void Add(HostRabbitMQNodeResource node) => _nodes.Add(node);
}
