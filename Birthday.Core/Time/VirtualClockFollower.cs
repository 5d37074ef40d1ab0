using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace Birthday.Core.Time;

/// <summary>
/// In virtual time only: keeps every service's clock on one shared offset, held in the database (table
/// <c>virtual_clock</c>, one row), so a test can move the whole application forward — to the next 09:00 somewhere, or
/// past a day of downtime — with one UPDATE. Never registered in production.
/// </summary>
public sealed class VirtualClockFollower(ApplicationClock clock, IServiceScopeFactory scopes, ILogger<VirtualClockFollower> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS virtual_clock (id int PRIMARY KEY CHECK (id = 1), offset_ticks bigint NOT NULL);
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

                var ticks = await db.Database.SqlQuery<long>($"SELECT offset_ticks AS \"Value\" FROM virtual_clock WHERE id = 1").SingleAsync(stoppingToken);
                clock.AdvanceTo(Duration.FromTicks(ticks));
            }
            catch (Exception ex) when (DatabaseNotReady.Matches(ex) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Virtual clock not readable yet");
            }

            await Task.Delay(PollInterval, stoppingToken);
        }
    }

    /// <summary>The first service up writes the offset it started with; later ones adopt whatever is there.</summary>
    private async Task PublishInitialOffsetAsync(BirthdayDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(CreateTableSql, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // another service created it at the same moment
        }

        var ticks = clock.Offset.BclCompatibleTicks;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO virtual_clock (id, offset_ticks) VALUES (1, {ticks}) ON CONFLICT (id) DO NOTHING", cancellationToken);
    }
}
