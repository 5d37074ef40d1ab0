using System.Runtime.Versioning;
namespace Birthday.Hosting.Infrastructure.Host;

[SupportedOSPlatform("linux")]
public static class HostInfrastructureExtensions
{
    /// <summary>
    /// The servers as processes of this machine, from Debian's packages: for machines without a container engine.
    /// Aspire starts them, shows their logs and health, and stops them with the application.
    /// </summary>
    public static BirthdayInfrastructure AddHostInfrastructure(this IDistributedApplicationBuilder builder)
    {
        // No container in this model: DCP need not keep asking a container runtime about networks.
        OrchestratorContainerRuntime.KeepOffTheContainerRuntime(builder, OrchestratorContainerRuntime.OnPath);

        var binaries = ServerBinaries.Locate();
        var state = HostState.From(builder);

        var postgres = builder.AddHostPostgres("postgres", state, binaries);
        var database = postgres.AddHostDatabase(BirthdayInfrastructure.DatabaseName, BirthdayInfrastructure.DatabaseName);
        var replica = builder.AddHostPostgresReplica("postgres-replica", postgres, state, binaries);
        var readDatabase = replica.AddHostDatabase($"{BirthdayInfrastructure.DatabaseName}-replica", BirthdayInfrastructure.DatabaseName);
        var messaging = builder.AddHostRabbitMQCluster("messaging", BirthdayInfrastructure.RabbitMQNodeCount, state, binaries);
        var cache = builder.AddHostRedis("cache", state, binaries);

        return new BirthdayInfrastructure(
            InfrastructureMode.Host,
            Database: database,
            ReadReplica: readDatabase,
            Messaging: messaging,
            Cache: cache);
    }
}
