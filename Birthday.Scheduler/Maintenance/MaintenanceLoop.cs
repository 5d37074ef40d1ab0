using Microsoft.Extensions.Options;

namespace Birthday.Scheduler.Maintenance;

/// <summary>Runs the recovery passes every few seconds and the repair pass every few minutes.</summary>
public sealed class MaintenanceLoop(
    IServiceScopeFactory scopes,
    RabbitMQ.Client.IConnection rabbit,
    IOptions<SchedulerOptions> options,
    ILogger<MaintenanceLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastRepair = DateTime.MinValue;
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var maintenance = scope.ServiceProvider.GetRequiredService<MessageMaintenance>();
                await maintenance.RecoverLapsedLeasesAsync(stoppingToken);
                await maintenance.MarkMissedAsync(stoppingToken);
                await maintenance.MeasureBacklogAsync(rabbit, stoppingToken);
                if (DateTime.UtcNow - lastRepair >= options.Value.RepairInterval)
                {
                    await maintenance.RepairChainsAsync(stoppingToken);
                    lastRepair = DateTime.UtcNow;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A maintenance pass failed; the next one runs in {Interval}", options.Value.RecoveryInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
