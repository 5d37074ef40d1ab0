using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Birthday.Core.Messaging;

/// <summary>
/// The queues deliveries travel through. Whoever starts first (a scheduler or a worker) declares them; declaring again
/// with the same arguments is a no-op, so every replica simply declares at start.
/// </summary>
public static class DeliveryTopology
{
    /// <summary>Quorum queue of messages to send: replicated on every node, so a node's loss loses nothing.</summary>
    public const string DeliveriesQueue = "birthday.deliveries";

    public const string DeadLetterExchange = "birthday.deliveries.dead-letter";

    /// <summary>Poison messages: malformed, or redelivered past the delivery limit. An admin operation re-drives them.</summary>
    public const string DeadLetterQueue = "birthday.deliveries.dead";

    /// <summary>A message handed out this often without an ack (a consumer crashed on it each time) is poison.</summary>
    public const int DeliveryLimit = 5;

    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);

        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(DeliveriesQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = DeliveryLimit,
                ["x-dead-letter-exchange"] = DeadLetterExchange,
            },
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A new channel with the topology declared, tried until it works: a service that starts while the broker's nodes
    /// are still forming their cluster (a fresh cluster briefly refuses quorum queues while it agrees on its feature
    /// flags) waits for it instead of crashing.
    /// </summary>
    public static async Task<IChannel> OpenChannelAsync(IConnection connection, CreateChannelOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(logger);
        for (var attempt = 1; ; attempt++)
        {
            IChannel? channel = null;
            try
            {
                channel = await connection.CreateChannelAsync(options, cancellationToken);
                await DeclareAsync(channel, cancellationToken);
                return channel;
            }
            catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Declaring the delivery queues failed (attempt {Attempt}); trying again", attempt);
                if (channel is not null)
                {
                    await channel.DisposeAsync();
                }

                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), cancellationToken);
            }
        }
    }
}
