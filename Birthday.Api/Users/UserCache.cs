using System.Collections.Concurrent;
using System.Text.Json;
using Birthday.ServiceDefaults;
using StackExchange.Redis;

namespace Birthday.Api.Users;

/// <summary>
/// Users by id in Redis, shared by every api replica: one string per user (its JSON), or an empty string for a user known
/// to be gone. Writes put the new state here, and an update or delete announces the change on
/// <see cref="UserChangeChannel"/>, before they answer, so a client reads its own write whichever replica or cache serves
/// the next GET. There is no per-replica memory layer here; the gateway keeps one, emptied by those announcements.
/// </summary>
/// <remarks>
/// Without Redis the api goes on: reads skip the cache (and read the primary, see <see cref="UserQueries"/>), and the
/// users written meanwhile are remembered here and dropped from Redis when it is back, so none of them is served stale
/// from before the outage. What this instance cannot know — writes by an instance that died during the outage — is
/// stale for at most the entries' expiry (one minute).
/// </remarks>
public sealed partial class UserCache
{
    // Bounds what a write whose new state Redis did not take (a timeout on a live connection) leaves stale.
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);
    private static readonly RedisChannel Changes = RedisChannel.Literal(UserChangeChannel.Name);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<UserCache> _logger;

    // The users whose latest write Redis did not take, each with the moment of that write.
    private readonly ConcurrentDictionary<Guid, long> _writtenWhileAway = new();

    public UserCache(IConnectionMultiplexer redis, TimeProvider time, ILogger<UserCache> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
        _redis.ConnectionRestored += (_, _) => _ = ForgetWrittenWhileAwayAsync();
    }

    /// <summary>
    /// Whether Redis holds the latest state of this user as far as this instance knows: it answers, and no write of this
    /// user failed to reach it. A user written while Redis was away keeps its old state there until the pass after the
    /// reconnection has dropped it, and a read in between (or after a write Redis refused on a live connection, which no
    /// reconnection follows) must not meet it: such reads go to the database.
    /// </summary>
    private bool HoldsLatest(Guid id) => _redis.IsConnected && !RecentWriteMissedRedis(id);

    /// <summary>
    /// Whether a write of this user missed Redis less than an entry's expiry ago. Once that long has passed, whatever Redis
    /// held from before the write has expired, so the mark goes: after a refusal on a live connection no reconnection
    /// would ever clear it.
    /// </summary>
    private bool RecentWriteMissedRedis(Guid id)
    {
        if (!_writtenWhileAway.TryGetValue(id, out var writtenAt))
        {
            return false;
        }

        if (_time.GetElapsedTime(writtenAt) < Expiry)
        {
            return true;
        }

        _writtenWhileAway.TryRemove(KeyValuePair.Create(id, writtenAt));
        return false;
    }

    /// <summary>The cached user (null if known to be gone), or what <paramref name="load"/> finds, which is then cached.</summary>
    public async ValueTask<UserResponse?> GetOrLoadAsync(Guid id, Func<CancellationToken, ValueTask<UserResponse?>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (!HoldsLatest(id))
        {
            return await load(cancellationToken);
        }

        var database = _redis.GetDatabase();
        RedisValue cached;
        try
        {
            cached = await database.StringGetAsync(Key(id));
        }
        catch (Exception ex) when (Unanswered(ex))
        {
            CacheNotRead(_logger, ex, id);
            return await load(cancellationToken);
        }

        if (cached.HasValue)
        {
            var json = (ReadOnlyMemory<byte>)cached;
            return json.IsEmpty ? null : JsonSerializer.Deserialize<UserResponse>(json.Span, Json);
        }

        var user = await load(cancellationToken);
        try
        {
            // Only if still absent: a write that committed meanwhile has put a newer state here, which this read must not hide.
            await database.StringSetAsync(Key(id), Serialize(user), Expiry, When.NotExists);
        }
        catch (Exception ex) when (Unanswered(ex))
        {
            CacheNotFilled(_logger, ex, id);
        }

        return user;
    }

    /// <summary>The state a write has just committed, announced so that every gateway drops what it holds of the user.</summary>
    public Task RememberAsync(UserResponse user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return WriteAsync(user.Id, Serialize(user), announce: true);
    }

    /// <summary>
    /// A user just created: stored, not announced. Its id is new, so no gateway can hold an answer for it (they keep only
    /// the 200s they have seen), and an announcement would cost every gateway and Redis a message for nothing.
    /// </summary>
    public Task RememberCreatedAsync(UserResponse user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return WriteAsync(user.Id, Serialize(user), announce: false);
    }

    /// <summary>Remembers that the user is gone, so a GET right after DELETE is 404 even if the replica still has it.</summary>
    public Task ForgetAsync(Guid id) => WriteAsync(id, RedisValue.EmptyString, announce: true);

    private async Task WriteAsync(Guid id, RedisValue value, bool announce)
    {
        if (!_redis.IsConnected)
        {
            _writtenWhileAway[id] = _time.GetTimestamp();
            return;
        }

        // Pipelined, one round trip, in this order on one connection: whoever drops the user on hearing the announcement
        // and asks again gets the new state.
        var database = _redis.GetDatabase();
        try
        {
            await (announce
                ? Task.WhenAll(database.StringSetAsync(Key(id), value, Expiry), database.PublishAsync(Changes, id.ToString("N")))
                : database.StringSetAsync(Key(id), value, Expiry));
        }
        catch (Exception ex) when (Unanswered(ex))
        {
            // The write is committed and must still be answered as done; the cached state is dropped once Redis is back.
            _writtenWhileAway[id] = _time.GetTimestamp();
            CacheNotWritten(_logger, ex, id);
        }
    }

    private static RedisValue Serialize(UserResponse? user) =>
        user is null ? RedisValue.EmptyString : JsonSerializer.SerializeToUtf8Bytes(user, Json);

    private async Task ForgetWrittenWhileAwayAsync()
    {
        var database = _redis.GetDatabase();
        foreach (var (id, writtenAt) in _writtenWhileAway)
        {
            try
            {
                await database.KeyDeleteAsync(Key(id));
                await database.PublishAsync(Changes, id.ToString("N"));
                // Only this mark: a write that missed Redis again meanwhile keeps its own.
                _writtenWhileAway.TryRemove(KeyValuePair.Create(id, writtenAt));
            }
            catch (Exception ex) when (Unanswered(ex))
            {
                StaleEntryNotDropped(_logger, ex, id);
                return; // away again: the next reconnect tries the rest
            }
        }
    }

    private static string Key(Guid id) => $"user:{id:N}";

    /// <summary>Redis refused or did not answer in time: a timeout is not a RedisException, and must not fail a committed write.</summary>
    private static bool Unanswered(Exception ex) => ex is RedisException or RedisTimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer for user {UserId}; read from the database instead")]
    private static partial void CacheNotRead(ILogger logger, Exception exception, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not keep user {UserId} as read from the database; the next read asks the database again")]
    private static partial void CacheNotFilled(ILogger logger, Exception exception, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not take the new state of user {UserId}; it is dropped from the cache once Redis answers again")]
    private static partial void CacheNotWritten(ILogger logger, Exception exception, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not drop user {UserId}, written while Redis was away, from the cache; it expires within a minute")]
    private static partial void StaleEntryNotDropped(ILogger logger, Exception exception, Guid userId);
}
