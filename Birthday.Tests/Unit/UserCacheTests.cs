using Birthday.Api.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Birthday.Tests.Unit;

/// <summary>
/// The api's user cache in Redis: reads are answered from it, changes of existing users are announced to the gateways,
/// and a user whose latest write Redis did not take is never answered from it as it was before that write (entries live
/// a minute).
/// </summary>
public sealed class UserCacheTests
{
    private static readonly UserResponse Ada = new(Guid.CreateVersion7(), "Ada", "Lovelace", "ada@example.com", "Europe/London",
        "1815-12-10", null, null, null, "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z");

    private static readonly UserResponse Renamed = Ada with { FirstName = "Augusta" };

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryRedis _redis;
    private readonly UserCache _cache;

    public UserCacheTests()
    {
        _redis = new InMemoryRedis(_time);
        _cache = new UserCache(_redis.Connection, _time, NullLogger<UserCache>.Instance);
    }

    [Fact]
    public async Task A_written_user_is_read_from_the_cache_without_asking_the_database()
    {
        await _cache.RememberAsync(Ada);

        var read = await _cache.GetOrLoadAsync(Ada.Id, _ => throw new InvalidOperationException("the database was asked"), CancellationToken.None);

        Assert.Equal(Ada, read);
    }

    [Fact]
    public async Task A_created_user_is_read_from_the_cache_and_announced_to_no_gateway()
    {
        await _cache.RememberCreatedAsync(Ada);

        var read = await _cache.GetOrLoadAsync(Ada.Id, _ => throw new InvalidOperationException("the database was asked"), CancellationToken.None);

        Assert.Equal(Ada, read);
        Assert.Empty(_redis.Published);
    }

    [Fact]
    public async Task An_update_and_a_delete_are_announced_so_that_gateways_drop_the_user()
    {
        await _cache.RememberCreatedAsync(Ada);
        await _cache.RememberAsync(Renamed);
        await _cache.ForgetAsync(Ada.Id);

        Assert.Equal([Ada.Id.ToString("N"), Ada.Id.ToString("N")], _redis.Published);
    }

    [Fact]
    public async Task A_delete_that_Redis_did_not_take_is_read_from_the_database_not_as_the_user_was()
    {
        await _cache.RememberAsync(Ada);
        await WhileRedisRefusesWritesAsync(() => _cache.ForgetAsync(Ada.Id)); // committed; Redis still holds Ada as she was

        var read = await _cache.GetOrLoadAsync(Ada.Id, _ => ValueTask.FromResult<UserResponse?>(null), CancellationToken.None);

        Assert.Null(read);
    }

    [Fact]
    public async Task An_update_that_Redis_did_not_take_is_read_from_the_database_with_the_new_name()
    {
        await _cache.RememberAsync(Ada);
        await WhileRedisRefusesWritesAsync(() => _cache.RememberAsync(Renamed));

        var read = await _cache.GetOrLoadAsync(Ada.Id, _ => ValueTask.FromResult<UserResponse?>(Renamed), CancellationToken.None);

        Assert.Equal("Augusta", read?.FirstName);
    }

    [Fact]
    public async Task Once_the_entry_from_before_a_refused_write_has_expired_the_user_is_cached_again()
    {
        await _cache.RememberAsync(Ada);
        await WhileRedisRefusesWritesAsync(() => _cache.RememberAsync(Renamed));
        _time.Advance(TimeSpan.FromSeconds(61));

        var loads = 0;
        ValueTask<UserResponse?> Load(CancellationToken _)
        {
            loads++;
            return ValueTask.FromResult<UserResponse?>(Renamed);
        }

        var first = await _cache.GetOrLoadAsync(Ada.Id, Load, CancellationToken.None);
        var second = await _cache.GetOrLoadAsync(Ada.Id, Load, CancellationToken.None);

        Assert.Equal("Augusta", first?.FirstName);
        Assert.Equal("Augusta", second?.FirstName);
        Assert.Equal(1, loads);
    }

    /// <summary>A write after its commit, while Redis refuses it (as a live connection does when Redis does not answer in time).</summary>
    private async Task WhileRedisRefusesWritesAsync(Func<Task> write)
    {
        _redis.RefusesWrites = true;
        await write();
        _redis.RefusesWrites = false;
    }
}
