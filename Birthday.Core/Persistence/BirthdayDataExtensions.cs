using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

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
            configureDbContextOptions: options => options.UseNpgsql(npgsql => npgsql.UseNodaTime()));
        builder.AddNpgsqlDbContext<ReadOnlyBirthdayDbContext>(ReplicaConnectionName,
            configureDbContextOptions: options => options
                .UseNpgsql(npgsql => npgsql.UseNodaTime())
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        return builder;
    }
}
