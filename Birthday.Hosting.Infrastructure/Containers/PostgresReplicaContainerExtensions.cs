using Birthday.Hosting.Compose;

namespace Birthday.Hosting.Infrastructure.Containers;

public static class PostgresReplicaContainerExtensions
{
    /// <summary>
    /// The primary's side of replication: WAL for a standby, room for its slot, and a pg_hba line that lets it connect
    /// for replication (the image's own rules admit ordinary connections only). Written into the init folder before
    /// the image's entrypoint runs, so it applies once, when the data directory is created.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AllowStreamingReplication(this IResourceBuilder<PostgresServerResource> primary)
    {
        const string bootstrap = """
            set -e
            echo 'echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"' > /docker-entrypoint-initdb.d/10-allow-replication.sh
            exec docker-entrypoint.sh postgres -c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10 -c max_connections=500
            """;
        return primary.WithEntrypoint("bash").WithArgs("-c", bootstrap);
    }

    /// <summary>
    /// A hot standby of <paramref name="primary"/>: on an empty volume it clones the primary with pg_basebackup (creating
    /// its replication slot), as the postgres user (run as root, the clone would leave root-only parent folders of PGDATA
    /// that the server, once the entrypoint drops to postgres, cannot enter), then runs as a streaming replica. The clone
    /// asks for an immediate checkpoint: by default pg_basebackup waits for a spread one, which on a primary that has
    /// just written (Aspire creates the database right after the server is up) took minutes. Returns the read connection
    /// string, <c>{name}</c>'s database, which waits until the replica is a healthy standby.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresStreamingReplica(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<PostgresServerResource> primary,
        IResourceBuilder<ParameterResource> password)
    {
        const string bootstrap = """
            set -e
            if [ ! -s "$PGDATA/PG_VERSION" ]; then
              until pg_isready -h "$PRIMARY_HOST" -p 5432 -U postgres; do sleep 1; done
              mkdir -p "$PGDATA"
              chown postgres:postgres "$PGDATA"
              chmod 700 "$PGDATA"
              gosu postgres pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U postgres -D "$PGDATA" -X stream --checkpoint=fast -C -S birthday_replica -R
            fi
            exec docker-entrypoint.sh postgres -c hot_standby=on -c max_connections=500
            """;

        // The replica must run the primary's exact Postgres build: take the image Aspire chose for the primary.
        var image = primary.Resource.Annotations.OfType<ContainerImageAnnotation>().Single();
        var replica = builder.AddContainer(name, image.Image, image.Tag ?? "latest")
            .WithImageRegistry(image.Registry)
            .WithEntrypoint("bash")
            .WithArgs("-c", bootstrap)
            .WithEnvironment("PRIMARY_HOST", primary.Resource.Name)
            .WithEnvironment("PGPASSWORD", password)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            // The image's own layout, like the primary's: one volume at /var/lib/postgresql, PGDATA the image's default
            // below it (18+: /var/lib/postgresql/18/docker). A volume at …/data is what 18+ images refuse as unused.
            .WithVolume($"{name}-data", "/var/lib/postgresql")
            .WithEndpoint(targetPort: 5432, name: "tcp", scheme: "tcp")
            .WithParentRelationship(primary)
            .WaitFor(primary)
            .WithComposeService(
                "pg_isready -h 127.0.0.1 -U postgres -d postgres && psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT pg_is_in_recovery()' | grep -q t",
                cpus: "2", memory: "2g");

        var endpoint = replica.GetEndpoint("tcp");
        var readDatabase = builder.AddConnectionString($"{BirthdayInfrastructure.DatabaseName}-replica", ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={password};Database={BirthdayInfrastructure.DatabaseName}"));

        // No Aspire integration knows this container: without a check of its own it counts as ready as soon as it runs,
        // long before the clone is done and it serves reads.
        replica.WithHealthCheck(() => new PostgresHealthCheck(readDatabase.Resource.ConnectionStringExpression.GetValueAsync, expectStandby: true));

        return readDatabase.WaitFor(replica);
    }
}
