using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using StackExchange.Redis;

namespace Birthday.Api.Users;

/// <summary>
/// Users by id in Redis, shared by every api replica. Writes put the new state here before they answer, so a client
/// reads its own write whichever replica serves the next GET. There is no per-replica memory layer: one replica could
/// not learn that another changed the user.
/// </summary>
/// <remarks>
/// Without Redis the api goes on: reads skip the cache (and read the primary, see <see cref="UserQueries"/>), and the
/// users written meanwhile are remembered here and dropped from Redis when it is back, so none of them is served stale
/// from before the outage. What this instance cannot know — writes by an instance that died during the outage — is
/// stale for at most the entries' expiry (one minute).
/// </remarks>
public sealed partial class UserCache
{
    private static readonly HybridCacheEntryOptions Options = new()
    {
        // Short enough that a read which raced a write (and cached what it read from the replica) corrects itself soon.
        Expiration = TimeSpan.FromMinutes(1),
        Flags = HybridCacheEntryFlags.DisableLocalCache,
    };

    private readonly HybridCache _cache;
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<UserCache> _logger;
    private readonly ConcurrentDictionary<Guid, bool> _writtenWhileAway = new();

    public UserCache(HybridCache cache, IConnectionMultiplexer redis, ILogger<UserCache> logger)
    {
        _cache = cache;
        _redis = redis;
        _logger = logger;
        _redis.ConnectionRestored += (_, _) => _ = ForgetWrittenWhileAwayAsync();
    }

    /// <summary>Whether Redis is there to be asked; when it is not, callers read what only the primary knows for sure.</summary>
    public bool IsAvailable => _redis.IsConnected;

    public ValueTask<UserResponse?> GetOrLoadAsync(Guid id, Func<CancellationToken, ValueTask<UserResponse?>> load, CancellationToken cancellationToken) =>
        IsAvailable
            ? _cache.GetOrCreateAsync(Key(id), load, static (load, ct) => load(ct), Options, cancellationToken: cancellationToken)
            : load(cancellationToken);

    public ValueTask RememberAsync(UserResponse user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return IsAvailable ? _cache.SetAsync(Key(user.Id), user, Options, cancellationToken: cancellationToken) : WrittenWhileAway(user.Id);
    }

    /// <summary>Remembers that the user is gone, so a GET right after DELETE is 404 even if the replica still has it.</summary>
    public ValueTask ForgetAsync(Guid id, CancellationToken cancellationToken) =>
        IsAvailable ? _cache.SetAsync<UserResponse?>(Key(id), null, Options, cancellationToken: cancellationToken) : WrittenWhileAway(id);

    private ValueTask WrittenWhileAway(Guid id)
    {
        _writtenWhileAway[id] = true;
        return ValueTask.CompletedTask;
    }

    private async Task ForgetWrittenWhileAwayAsync()
    {
        var database = _redis.GetDatabase();
        foreach (var id in _writtenWhileAway.Keys)
        {
            try
            {
                await database.KeyDeleteAsync(Key(id));
                _writtenWhileAway.TryRemove(id, out _);
            }
            catch (RedisException ex)
            {
                StaleEntryNotDropped(_logger, ex, id);
                return; // away again: the next reconnect tries the rest
            }
        }
    }

    private static string Key(Guid id) => $"user:{id:N}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not drop user {UserId}, written while Redis was away, from the cache; it expires within a minute")]
    private static partial void StaleEntryNotDropped(ILogger logger, Exception exception, Guid userId);
}
