using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Birthday.Core.Persistence;

public static class BirthdayDataExtensions
{
    /// <summary>Connection string of the database on the primary (writes, and reads that must see them).</summary>
    public const string PrimaryConnectionName = "birthday";

    /// <summary>Connection string of the same database on the streaming replica.</summary>
    public const string ReplicaConnectionName = "birthday-replica";

    /// <summary>
    /// Registers <see cref="BirthdayDbContext"/> on the primary (with Aspire's health check, retries, tracing and metrics)
    /// and <see cref="ReadOnlyBirthdayDbContext"/> on the replica. The replica is a help, not a need: its reads fall back
    /// to the primary, so it has no retries (a failure should fall back at once, not after half a minute of them) and its
    /// absence makes a service Degraded, not unready — else a stopped replica would take every api instance out of the
    /// gateway's rotation although the primary can serve.
    /// </summary>
    public static TBuilder AddBirthdayData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddNpgsqlDbContext<BirthdayDbContext>(PrimaryConnectionName,
            settings => settings.ConnectionString = WithPreparedStatements(settings.ConnectionString),
            options => Configure(options));
        builder.AddNpgsqlDbContext<ReadOnlyBirthdayDbContext>(ReplicaConnectionName,
            settings =>
            {
                settings.ConnectionString = WithPreparedStatements(settings.ConnectionString);
                settings.DisableRetry = true;
                settings.DisableHealthChecks = true;
            },
            options => Configure(options).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<ReadOnlyBirthdayDbContext>(ReplicaConnectionName, failureStatus: HealthStatus.Degraded);
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
                o.ConfigureDataSource(TraceOnlyWithinWork);
                npgsql?.Invoke(o);
            })
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// A database call is traced only as a part of something recorded: a request, a delivery, a named unit of background
    /// work. Otherwise every poll that finds nothing, every health probe (its request span is not recorded) and every
    /// virtual-clock read is a trace of its own: tens of thousands in ten idle minutes, burying the traces a person
    /// looks for (and costing their export).
    /// </summary>
    internal static void TraceOnlyWithinWork(NpgsqlDataSourceBuilder dataSource) =>
        dataSource.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is { Recorded: true })
            .ConfigureBatchFilter(_ => Activity.Current is { Recorded: true }));
}
