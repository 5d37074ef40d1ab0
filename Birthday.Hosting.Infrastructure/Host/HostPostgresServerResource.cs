namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>A PostgreSQL server (primary or streaming replica) run as a process on this host.</summary>
public sealed class HostPostgresServerResource(string name, string launchScript, string workingDirectory, int port, string password, bool isStandby)
    : ExecutableResource(name, "/bin/bash", workingDirectory), IResourceWithConnectionString
{
    public string LaunchScript { get; } = launchScript;

    public int Port { get; } = port;

    /// <summary>True for the streaming replica: it must be in recovery to be healthy, and refuses writes.</summary>
    public bool IsStandby { get; } = isStandby;

    public string ConnectionString { get; } =
        $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}";

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}
