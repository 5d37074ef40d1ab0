using System.Diagnostics;
using Birthday.Core.Messages;
using Birthday.Core.Messaging;
using Microsoft.Extensions.Options;
using NodaTime;
using RabbitMQ.Client;

namespace Birthday.Scheduler.Dispatching;

/// <summary>
/// Runs <see cref="DueMessageDispatcher"/> for as long as the service lives: at once again after a full batch; otherwise
/// it sleeps until the earliest Pending row is due, a <see cref="DispatchWakeUp"/> signal, or
/// <see cref="DeliveryOptions.IdlePollInterval"/>, whichever comes first, and never claims again sooner than
/// <see cref="SchedulerOptions.PollInterval"/> after the last claim began.
/// </summary>
public sealed class DispatchLoop(
    IServiceScopeFactory scopes,
    IConnection rabbit,
    DispatchWakeUp wakeUp,
    IClock clock,
    IOptions<SchedulerOptions> options,
    IOptions<DeliveryOptions> delivery,
    ILogger<DispatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var confirmed = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
        var channel = await DeliveryTopology.OpenChannelAsync(rabbit, confirmed, logger, stoppingToken);
        var failures = 0;

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimStarted = Stopwatch.GetTimestamp();
            DispatchResult result;
            try
            {
                if (channel.IsClosed)
                {
                    await channel.DisposeAsync();
                    channel = await rabbit.CreateChannelAsync(confirmed, stoppingToken);
                }

                // Signals given before this claim are answered by it: it sees every row committed before it began.
                wakeUp.Reset();
                await using var scope = scopes.CreateAsyncScope();
                result = await scope.ServiceProvider.GetRequiredService<DueMessageDispatcher>().DispatchBatchAsync(channel, stoppingToken);
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

            if (result.Claimed < options.Value.BatchSize)
            {
                await WaitForNextClaimAsync(result.NextDueAt, claimStarted, stoppingToken);
            }
        }

        await channel.DisposeAsync();
    }

    /// <summary>
    /// Sleeps until <paramref name="nextDueAt"/> by the application's clock, a signal, or the idle interval since the claim
    /// began; then, if that came sooner, until the claim pause has passed. The pause keeps a stream of signals (a busy api,
    /// a burst of retries) at today's pace of claims; a row due right now waits for it as it did before.
    /// </summary>
    private async Task WaitForNextClaimAsync(Instant? nextDueAt, long claimStarted, CancellationToken cancellationToken)
    {
        var idle = delivery.Value.IdlePollInterval;
        while (true)
        {
            var wait = idle - Stopwatch.GetElapsedTime(claimStarted);
            if (nextDueAt is { } due)
            {
                var untilDue = (due - clock.GetCurrentInstant()).ToTimeSpan();
                wait = untilDue < wait ? untilDue : wait;
            }

            // Whole milliseconds, rounded up: the semaphore's timer counts in them, and a wait cut short to zero would spin
            // until the instant came. A timer may still fire a hair early by the application's clock: measure again.
            if (wait <= TimeSpan.Zero || await wakeUp.WaitAsync(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), cancellationToken))
            {
                break;
            }
        }

        var pause = options.Value.PollInterval - Stopwatch.GetElapsedTime(claimStarted);
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, cancellationToken);
        }
    }
}
