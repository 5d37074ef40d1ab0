using Birthday.Core.Messaging;
using RabbitMQ.Client;

namespace Birthday.Api.Admin;

/// <summary>
/// Moves messages from the dead-letter queue back onto the deliveries queue (after whatever made them poison was fixed).
/// A body that is still not a delivery request stays in the dead-letter queue: re-driving it would only bring it back.
/// </summary>
public sealed class DeadLetterRedrive(IConnection rabbit)
{
    public async Task<RedriveResult> RedriveAsync(CancellationToken cancellationToken)
    {
        await using var channel = await rabbit.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await DeliveryTopology.DeclareAsync(channel, cancellationToken);

        var count = (await channel.QueueDeclarePassiveAsync(DeliveryTopology.DeadLetterQueue, cancellationToken)).MessageCount;
        long moved = 0, kept = 0;
        for (var i = 0; i < count; i++)
        {
            var message = await channel.BasicGetAsync(DeliveryTopology.DeadLetterQueue, autoAck: false, cancellationToken);
            if (message is null)
            {
                break;
            }

            var target = DeliveryRequest.TryParse(message.Body.Span) is null ? DeliveryTopology.DeadLetterQueue : DeliveryTopology.DeliveriesQueue;
            var properties = new BasicProperties { Persistent = true, ContentType = message.BasicProperties.ContentType, MessageId = message.BasicProperties.MessageId };
            await channel.BasicPublishAsync("", target, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            if (target == DeliveryTopology.DeliveriesQueue)
            {
                moved++;
            }
            else
            {
                kept++;
            }
        }

        return new RedriveResult(moved, kept, kept > 0 ? "Malformed messages stay in the dead-letter queue." : null);
    }
}
