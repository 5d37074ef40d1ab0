using Birthday.Core.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Birthday.Scheduler.Dispatching;

/// <summary>Runs <see cref="DueMessageDispatcher"/> for as long as the service lives: at once again after a full batch, after a pause otherwise.</summary>
public sealed class DispatchLoop(
    IServiceScopeFactory scopes,
    IConnection rabbit,
    IOptions<SchedulerOptions> options,
    ILogger<DispatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var confirmed = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
        var channel = await DeliveryTopology.OpenChannelAsync(rabbit, confirmed, logger, stoppingToken);
        var failures = 0;

        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                if (channel.IsClosed)
                {
                    await channel.DisposeAsync();
                    channel = await rabbit.CreateChannelAsync(confirmed, stoppingToken);
                }

                await using var scope = scopes.CreateAsyncScope();
                claimed = await scope.ServiceProvider.GetRequiredService<DueMessageDispatcher>().DispatchBatchAsync(channel, stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the broker is away: the claimed rows were rolled back and stay Pending. Wait, then try again.
                failures++;
                logger.LogWarning(ex, "Dispatching failed ({Failures} in a row); retrying", failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures))), stoppingToken);
                continue;
            }

            if (claimed < options.Value.BatchSize)
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }

        await channel.DisposeAsync();
    }
}
