using Birthday.Core.Persistence;
using Npgsql;

namespace Birthday.Scheduler.Dispatching;

/// <summary>
/// Holds one connection that LISTENs for <see cref="DueSoonNotification"/> and wakes the dispatch loop on each
/// notification. Without it delivery still happens, only up to <c>Delivery:IdlePollInterval</c> late for a row written
/// due sooner: so a lost connection is logged and opened again with a growing pause, never fatal.
/// </summary>
public sealed class DueSoonListener(IConfiguration configuration, DispatchWakeUp wakeUp, ILogger<DueSoonListener> logger) : BackgroundService
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString(BirthdayDataExtensions.PrimaryConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{BirthdayDataExtensions.PrimaryConnectionName} is not set.");
        await using var dataSource = DueSoonNotification.CreateListenerDataSource(connectionString);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => wakeUp.Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {DueSoonNotification.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    logger.LogInformation("Listening for due-soon notifications again after {Failures} failed attempts", failures);
                }

                failures = 0;
                // Whatever was notified while no connection listened is found by one claim now.
                wakeUp.Signal();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var pause = TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, failures - 1)));
                logger.LogWarning(ex, "Listening for due-soon notifications failed ({Failures} in a row); trying again in {Pause}", failures, pause);
                await Task.Delay(pause, stoppingToken);
            }
        }
    }
}
