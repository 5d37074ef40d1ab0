using Birthday.ServiceDefaults;
using StackExchange.Redis;

namespace Birthday.Gateway.ReadCache;

/// <summary>
/// Hears the api's announcements of changed users (<see cref="UserChangeChannel"/>) and drops those users from the
/// <see cref="UserReadCache"/>. The cache serves only while this hears: when the connection to Redis breaks, the cache is
/// emptied and stays off until the subscription is back.
/// </summary>
public sealed partial class UserChangeListener(IConnectionMultiplexer redis, UserReadCache cache, ILogger<UserChangeListener> logger)
    : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(UserChangeChannel.Name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        var subscriber = redis.GetSubscriber();
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                // StackExchange.Redis subscribes again by itself after a reconnect; this is only the first subscription.
                await subscriber.SubscribeAsync(Channel, (_, message) =>
                {
                    if (Guid.TryParse(message.ToString(), out var id))
                    {
                        cache.Drop(id);
                    }
                });
                Listening(logger);
                break;
            }
            // A timeout is not a RedisException; either must not end the listener.
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                NotListening(logger, ex, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), stoppingToken);
            }
        }

        // A lost connection turns the cache off at once (OnConnectionFailed); it comes back on only once the subscription
        // itself is live again, which StackExchange.Redis re-establishes some time after the connection is restored.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            cache.SetListening(subscriber.IsConnected(Channel));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        redis.ConnectionFailed -= OnConnectionFailed;
        base.Dispose();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        cache.SetListening(false);
        StoppedServing(logger, e.ConnectionType, e.FailureType);
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for changed users; single-user reads are answered from memory")]
    private static partial void Listening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen for changed users yet (attempt {Attempt}); every read goes to the api")]
    private static partial void NotListening(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection lost ({FailureType}): the read cache is emptied and off until it is back")]
    private static partial void StoppedServing(ILogger logger, ConnectionType connectionType, ConnectionFailureType failureType);
}
