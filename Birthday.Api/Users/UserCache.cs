using Microsoft.Extensions.Caching.Hybrid;

namespace Birthday.Api.Users;

/// <summary>
/// Users by id in Redis, shared by every api replica. Writes put the new state here before they answer, so a client
/// reads its own write whichever replica serves the next GET. There is no per-replica memory layer: one replica could
/// not learn that another changed the user.
/// </summary>
public sealed class UserCache(HybridCache cache)
{
    private static readonly HybridCacheEntryOptions Options = new()
    {
        // Short enough that a read which raced a write (and cached what it read from the replica) corrects itself soon.
        Expiration = TimeSpan.FromMinutes(1),
        Flags = HybridCacheEntryFlags.DisableLocalCache,
    };

    public ValueTask<UserResponse?> GetOrLoadAsync(Guid id, Func<CancellationToken, ValueTask<UserResponse?>> load, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(Key(id), load, static (load, ct) => load(ct), Options, cancellationToken: cancellationToken);

    public ValueTask RememberAsync(UserResponse user, CancellationToken cancellationToken) =>
        cache.SetAsync(Key(user.Id), user, Options, cancellationToken: cancellationToken);

    /// <summary>Remembers that the user is gone, so a GET right after DELETE is 404 even if the replica still has it.</summary>
    public ValueTask ForgetAsync(Guid id, CancellationToken cancellationToken) =>
        cache.SetAsync<UserResponse?>(Key(id), null, Options, cancellationToken: cancellationToken);

    private static string Key(Guid id) => $"user:{id:N}";
}
