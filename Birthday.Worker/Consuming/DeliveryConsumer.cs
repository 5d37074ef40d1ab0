using Birthday.Core.Messaging;
using Birthday.Worker.Sending;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Birthday.Worker.Consuming;

/// <summary>
/// Consumes the deliveries queue with manual acks and a bounded prefetch. A queue message names a few rows: they are
/// taken together, sent concurrently (at most <see cref="WorkerOptions.Concurrency"/> sends per worker), their outcomes
/// recorded together, and the message is acked only after that commit. A malformed one is rejected straight to the dead-letter
/// queue; one that fails for a passing reason (the database is away) is returned to the queue, and after the queue's
/// delivery limit it is dead-lettered too — its rows' leases then bring them back, so nothing is lost and nothing loops.
/// </summary>
public sealed class DeliveryConsumer(
    IConnection rabbit,
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    ILogger<DeliveryConsumer> logger) : BackgroundService
{
    // Never disposed: handlers still finishing during shutdown release it after the service is gone, and a SemaphoreSlim
    // that never handed out its wait handle holds nothing to free.
    private readonly SemaphoreSlim _sends = new(options.Value.Concurrency);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var prefetch = (ushort)options.Value.Prefetch;
        await using var channel = await DeliveryTopology.OpenChannelAsync(rabbit, new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: prefetch), logger, stoppingToken);
        await channel.BasicQosAsync(0, prefetch, global: false, stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(DeliveryTopology.DeliveriesQueue, autoAck: false, consumer, stoppingToken);

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // shutting down: unacked messages return to the queue when the channel closes
        }
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var request = DeliveryRequest.TryParse(delivery.Body.Span);
        if (request is null)
        {
            logger.LogError("Malformed delivery message {DeliveryTag} sent to the dead-letter queue", delivery.DeliveryTag);
            metrics.DeadLettered();
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None);
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var sender = scope.ServiceProvider.GetRequiredService<MessageSender>();
            var attempts = await sender.TakeAsync(request.MessageIds, stoppingToken);
            var results = await Task.WhenAll(attempts.Select(attempt => SendAsync(sender, attempt, stoppingToken)));
            await sender.RecordAsync(results, stoppingToken);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Delivery of {Count} messages (first {MessageId}) failed; returned to the queue",
                    request.MessageIds.Count, request.MessageIds[0]);
            }

            if (channel.IsOpen)
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
    }

    private async Task<DeliveryResult> SendAsync(MessageSender sender, DeliveryAttempt attempt, CancellationToken stoppingToken)
    {
        await _sends.WaitAsync(stoppingToken);
        try
        {
            return await sender.SendAsync(attempt, stoppingToken);
        }
        finally
        {
            _sends.Release();
        }
    }
}
