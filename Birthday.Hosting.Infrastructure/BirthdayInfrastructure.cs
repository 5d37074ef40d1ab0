namespace Birthday.Hosting.Infrastructure;

/// <summary>
/// The servers every service talks to, under the same names in both modes:
/// <c>birthday</c> (writes, on the primary), <c>birthday-replica</c> (reads), <c>messaging</c> (the RabbitMQ cluster)
/// and <c>cache</c> (Redis).
/// </summary>
public sealed record BirthdayInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> ReadReplica,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    IResourceBuilder<IResourceWithConnectionString> Cache)
{
    public const string DatabaseName = "birthday";
    public const int RabbitMQNodeCount = 3;
}
