namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// A database on a host-mode Postgres server, shown under its server in the dashboard like Aspire's own database resources.
/// It becomes Running when its server is ready; its health check then proves the database itself answers.
/// </summary>
public sealed class HostDatabaseResource(string name, string databaseName, HostPostgresServerResource parent)
    : Resource(name), IResourceWithParent<HostPostgresServerResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    public HostPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public string ConnectionString => $"{Parent.ConnectionString};Database={DatabaseName}";

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}
