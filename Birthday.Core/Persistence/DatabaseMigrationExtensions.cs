using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Birthday.Core.Persistence;

public static class DatabaseMigrationExtensions
{
    /// <summary>
    /// Brings the schema up to date before the service takes traffic. EF Core holds a Postgres advisory lock while it
    /// migrates, so three api replicas starting at once apply each migration exactly once and the others wait.
    /// </summary>
    public static async Task MigrateBirthdayDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BirthdayDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Birthday.Migrations");
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying migrations: {Migrations}", string.Join(", ", pending));
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// For the services that do not migrate (scheduler, workers): they start alongside the api, which owns the schema,
    /// and wait here, before taking any work, until the database has every migration this build knows. Their health
    /// endpoint answers only after that, so "healthy" still means "ready to work".
    /// </summary>
    public static async Task WaitForBirthdaySchemaAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Birthday.Migrations");
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var nextReport = TimeSpan.Zero;
        while (true)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BirthdayDbContext>();
                if (!(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
                {
                    return;
                }
            }
            catch (Exception ex) when (DatabaseNotReady.Matches(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Database not reachable yet");
            }

            if (waiting.Elapsed >= nextReport)
            {
                nextReport = waiting.Elapsed + TimeSpan.FromSeconds(30);
                logger.LogInformation("Waiting for the api to bring the database schema up to date ({Elapsed:0} s so far)", waiting.Elapsed.TotalSeconds);
            }

            await Task.Delay(SchemaPollInterval, cancellationToken);
        }
    }

    private static readonly TimeSpan SchemaPollInterval = TimeSpan.FromMilliseconds(500);
}
