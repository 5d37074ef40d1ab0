using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace Birthday.Core.Time;

/// <summary>
/// In virtual time only: keeps every service's clock on one shared offset, held in the database (table
/// <c>virtual_clock</c>, one row), so a test can move the whole application forward — to the next 09:00 somewhere, or
/// past a day of downtime — with one UPDATE. A row of <c>virtual_clock_skew</c> named for this service
/// (<c>Clock:Service</c>, the AppHost's resource name) sets its clock apart from the others, as a machine's clock can be.
/// Each change it adopts raises <see cref="ApplicationClock.Moved"/>, which wakes a scheduler sleeping until its next due
/// row. Never registered in production.
/// </summary>
public sealed class VirtualClockFollower(
    ApplicationClock clock,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    ILogger<VirtualClockFollower> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public const string ServiceSetting = "Clock:Service";

    public const string CreateTablesSql = """
        CREATE TABLE IF NOT EXISTS virtual_clock (id int PRIMARY KEY CHECK (id = 1), offset_ticks bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS virtual_clock_skew (service text PRIMARY KEY, skew_ticks bigint NOT NULL);
        """;

    /// <summary>Sets one service's skew (<c>@service</c>, <c>@ticks</c>); zero puts its clock back with the others. Tests and benchmarks only.</summary>
    public const string SetSkewSql = """
        INSERT INTO virtual_clock_skew (service, skew_ticks) VALUES (@service, @ticks)
        ON CONFLICT (service) DO UPDATE SET skew_ticks = excluded.skew_ticks
        """;

    private const string ReadSql = """
        SELECT offset_ticks, COALESCE((SELECT skew_ticks FROM virtual_clock_skew WHERE service = @service), 0)
        FROM virtual_clock WHERE id = 1
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var service = configuration[ServiceSetting] ?? "";
        logger.LogWarning("Virtual time: this service's clock is offset by {Offset} and follows the virtual_clock table", clock.Offset);
        var published = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BirthdayDbContext>();
                if (!published)
                {
                    await PublishInitialOffsetAsync(db, stoppingToken);
                    published = true;
                }

                await FollowAsync(db, service, stoppingToken);
            }
            catch (Exception ex) when (DatabaseNotReady.Matches(ex) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Virtual clock not readable yet");
            }

            await Task.Delay(PollInterval, stoppingToken);
        }
    }

    private async Task FollowAsync(BirthdayDbContext db, string service, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(ReadSql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.AddWithValue("service", service);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return;
            }

            clock.AdvanceTo(Duration.FromTicks(reader.GetInt64(0)));
            var skew = Duration.FromTicks(reader.GetInt64(1));
            if (skew != clock.Skew)
            {
                logger.LogWarning("Virtual time: this service's clock now runs {Skew} apart from the others", skew);
                clock.Skew = skew;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The first service up writes the offset it started with; later ones adopt whatever is there.</summary>
    private async Task PublishInitialOffsetAsync(BirthdayDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(CreateTablesSql, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another service created one of them at the same moment, which ended the batch early: the second try finds
            // that one and creates the rest.
            await db.Database.ExecuteSqlRawAsync(CreateTablesSql, cancellationToken);
        }

        var ticks = clock.Offset.BclCompatibleTicks;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO virtual_clock (id, offset_ticks) VALUES (1, {ticks}) ON CONFLICT (id) DO NOTHING", cancellationToken);
    }
}
