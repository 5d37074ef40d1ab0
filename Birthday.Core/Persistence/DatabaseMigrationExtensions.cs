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
}
