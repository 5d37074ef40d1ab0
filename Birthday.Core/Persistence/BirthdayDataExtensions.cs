using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Birthday.Core.Persistence;

public static class BirthdayDataExtensions
{
    /// <summary>Connection string of the database on the primary (writes, and reads that must see them).</summary>
    public const string PrimaryConnectionName = "birthday";

    /// <summary>Connection string of the same database on the streaming replica.</summary>
    public const string ReplicaConnectionName = "birthday-replica";

    /// <summary>Registers <see cref="BirthdayDbContext"/> on the primary and <see cref="ReadOnlyBirthdayDbContext"/> on the replica,
    /// each with Aspire's health check, retries, tracing and metrics.</summary>
    public static TBuilder AddBirthdayData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddNpgsqlDbContext<BirthdayDbContext>(PrimaryConnectionName,
            settings => settings.ConnectionString = WithPreparedStatements(settings.ConnectionString),
            options => Configure(options));
        builder.AddNpgsqlDbContext<ReadOnlyBirthdayDbContext>(ReplicaConnectionName,
            settings => settings.ConnectionString = WithPreparedStatements(settings.ConnectionString),
            options => Configure(options).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        return builder;
    }

    /// <summary>
    /// The services run the same few statements thousands of times a second: Npgsql prepares each one that recurs, per
    /// connection, so Postgres parses and plans it once instead of on every call.
    /// </summary>
    private static string? WithPreparedStatements(string? connectionString) =>
        connectionString is null ? null
            : new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;

    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, Action<NpgsqlDbContextOptionsBuilder>? npgsql = null) =>
        options
            .UseNpgsql(o =>
            {
                o.UseNodaTime();
                npgsql?.Invoke(o);
            })
            .UseSnakeCaseNamingConvention();
}
