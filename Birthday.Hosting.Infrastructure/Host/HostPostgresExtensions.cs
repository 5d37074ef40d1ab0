using System.Runtime.Versioning;

namespace Birthday.Hosting.Infrastructure.Host;

[SupportedOSPlatform("linux")]
public static class HostPostgresExtensions
{
    private const string ReplicationSlot = "birthday_replica";

    public static IResourceBuilder<HostPostgresServerResource> AddHostPostgres(
        this IDistributedApplicationBuilder builder, string name, HostState state, ServerBinaries binaries)
    {
        var passwordFile = Path.Combine(state.Folder("secrets"), "postgres-password");
        var password = state.Secret("postgres-password");
        var server = new HostPostgresServerResource(name, ScriptPath("postgres-primary.sh"), state.Root, LoopbackPorts.Next(), password, isStandby: false);

        return builder.AddServer(server)
            .WithEnvironment("PG_BIN", binaries.PostgresBin)
            .WithEnvironment("PG_DATA", Path.Combine(state.Folder("postgres"), "primary"))
            .WithEnvironment("PG_PASSWORD_FILE", passwordFile)
            .WithEnvironment("PG_DATABASE", BirthdayInfrastructure.DatabaseName);
    }

    public static IResourceBuilder<HostPostgresServerResource> AddHostPostgresReplica(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<HostPostgresServerResource> primary,
        HostState state, ServerBinaries binaries)
    {
        var password = state.Secret("postgres-password");
        var passFile = Path.Combine(state.Folder("secrets"), "replica.pgpass");
        File.WriteAllText(passFile, $"127.0.0.1:{primary.Resource.Port}:*:postgres:{password}\n");

        var replica = new HostPostgresServerResource(name, ScriptPath("postgres-replica.sh"), state.Root, LoopbackPorts.Next(), password, isStandby: true);
        return builder.AddServer(replica)
            .WithEnvironment("PG_BIN", binaries.PostgresBin)
            .WithEnvironment("PG_DATA", Path.Combine(state.Folder("postgres"), "replica"))
            .WithEnvironment("PG_PRIMARY_PORT", primary.Resource.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("PG_PASSFILE", passFile)
            .WithEnvironment("PG_SLOT", ReplicationSlot)
            .WithParentRelationship(primary)
            .WaitFor(primary);
    }

    public static IResourceBuilder<HostDatabaseResource> AddHostDatabase(
        this IResourceBuilder<HostPostgresServerResource> server, string name, string databaseName)
    {
        var builder = server.ApplicationBuilder;
        var database = new HostDatabaseResource(name, databaseName, server.Resource);
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", databaseName)],
            })
            .WithHealthCheck(() => new PostgresHealthCheck(database.ConnectionString, server.Resource.IsStandby))
            .WithParentRelationship(server)
            // A database has no process of its own: it runs when its server is ready.
            .RunningWhenReady([server.Resource]);
    }

    private static IResourceBuilder<HostPostgresServerResource> AddServer(
        this IDistributedApplicationBuilder builder, HostPostgresServerResource server) =>
        builder.AddResource(server)
            .WithArgs(server.LaunchScript)
            .WithEnvironment("PG_PORT", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithFixedPortEndpoint("tcp", server.Port, "tcp")
            .WithHealthCheck(() => new PostgresHealthCheck(server.ConnectionString, server.IsStandby))
            .WithIconName("Database");

    /// <summary>The start scripts are copied beside this library's assembly (Host/scripts), wherever the AppHost runs from.</summary>
    private static string ScriptPath(string script) =>
        Path.Combine(Path.GetDirectoryName(typeof(HostPostgresExtensions).Assembly.Location)!, "Host", "scripts", script);
}
