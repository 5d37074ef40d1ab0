namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>Redis run as a process on this host, with an append-only file in the state folder.</summary>
public sealed class HostRedisResource(string name, string command, string workingDirectory, int port, string password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public string ConnectionString { get; } = $"127.0.0.1:{port},password={password}";

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}
