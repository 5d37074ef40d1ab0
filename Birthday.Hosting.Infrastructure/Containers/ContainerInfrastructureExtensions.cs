using Birthday.Hosting.Compose;

namespace Birthday.Hosting.Infrastructure.Containers;

/// <summary>
/// The servers as containers, for machines with a container engine and for the exported deployment: the same topology
/// and the same resource names as host mode.
/// </summary>
public static class ContainerInfrastructureExtensions
{
    public static BirthdayInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var postgresPassword = builder.AddGeneratedSecret("postgres-password");
        var postgres = builder.AddPostgres("postgres", password: postgresPassword)
            .WithImageFromSettings("Postgres") // before the replica, which takes the primary's image
            .WithDataVolume("postgres-data")
            .AllowStreamingReplication()
            // Over TCP: the image's first-run initialisation serves the socket only, and must not count as ready.
            .WithComposeService("pg_isready -h 127.0.0.1 -U postgres -d postgres", cpus: "2", memory: "2g");
        var database = postgres.AddDatabase(BirthdayInfrastructure.DatabaseName);
        var readDatabase = builder.AddPostgresStreamingReplica("postgres-replica", postgres, postgresPassword);

        var messaging = builder.AddRabbitMQContainerCluster("messaging", BirthdayInfrastructure.RabbitMQNodeCount);

        var cache = builder.AddRedis("cache")
            .WithImageFromSettings("Redis")
            .WithDataVolume("cache-data")
            .WithAppendOnlyFileAndEviction(maxMemory: "512mb")
            .WithComposeService("redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG", cpus: "0.5", memory: "768m");

        return new BirthdayInfrastructure(InfrastructureMode.Containers, database, readDatabase, messaging, cache);
    }

    /// <summary>A secret generated once and kept (user secrets in development, the deployment's parameters in production).</summary>
    internal static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
