using Birthday.Core.Messaging;
using Birthday.Worker.Sending;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Birthday.Worker.Consuming;

/// <summary>
/// Consumes the deliveries queue with manual acks and a bounded prefetch. A message is acked only after its outcome is
/// committed; a malformed one is rejected straight to the dead-letter queue; one that fails for a passing reason (the
/// database is away) is returned to the queue, and after the queue's delivery limit it is dead-lettered too — its row's
/// lease then brings it back, so nothing is lost and nothing loops.
/// </summary>
public sealed class DeliveryConsumer(
    IConnection rabbit,
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    ILogger<DeliveryConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = (ushort)options.Value.Concurrency;
        await using var channel = await rabbit.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: concurrency), stoppingToken);
        await DeliveryTopology.DeclareAsync(channel, stoppingToken);
        await channel.BasicQosAsync(0, concurrency, global: false, stoppingToken);

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
            await scope.ServiceProvider.GetRequiredService<MessageSender>().DeliverAsync(request.MessageId, stoppingToken);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Delivery of message {MessageId} failed; returned to the queue", request.MessageId);
            }

            if (channel.IsOpen)
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
    }
}
