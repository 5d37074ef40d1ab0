using Birthday.Gateway;
using Birthday.Gateway.ReadCache;
using Microsoft.Extensions.Time.Testing;

namespace Birthday.Tests.Unit;

/// <summary>The gateway's memory of single-user reads: what it may keep, and for how long.</summary>
public sealed class UserReadCacheTests : IDisposable
{
    private static readonly byte[] OldState = "{\"firstName\":\"Ada\"}"u8.ToArray();
    private readonly FakeTimeProvider _time = new();
    private readonly UserReadCache _cache;
    private readonly Guid _user = Guid.CreateVersion7();

    public UserReadCacheTests()
    {
        _cache = new UserReadCache(Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), _time);
        _cache.SetListening(true);
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void A_kept_answer_is_served_until_its_time_to_live_has_passed()
    {
        _cache.Keep(_cache.BeginRead(_user), OldState, "application/json");

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(_cache.TryGet(_user, out var entry));
        Assert.Equal(OldState, entry.Body);
        Assert.Equal(TimeSpan.FromSeconds(9), _cache.AgeOf(entry));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_cache.TryGet(_user, out _));
    }

    [Fact]
    public void A_read_that_was_under_way_while_its_user_changed_is_not_kept()
    {
        var read = _cache.BeginRead(_user);
        _cache.Drop(_user);
        _cache.Keep(read, OldState, "application/json");

        Assert.False(_cache.TryGet(_user, out _));

        // A read that began after the change is kept.
        _cache.Keep(_cache.BeginRead(_user), OldState, "application/json");
        Assert.True(_cache.TryGet(_user, out _));
    }

    [Fact]
    public void A_change_drops_the_kept_answer_and_other_users_stay()
    {
        var other = Guid.CreateVersion7();
        _cache.Keep(_cache.BeginRead(_user), OldState, "application/json");
        _cache.Keep(_cache.BeginRead(other), OldState, "application/json");

        _cache.Drop(_user);

        Assert.False(_cache.TryGet(_user, out _));
        Assert.True(_cache.TryGet(other, out _));
    }

    [Fact]
    public void While_changes_cannot_be_heard_nothing_is_served_or_kept_and_nothing_from_before_comes_back()
    {
        _cache.Keep(_cache.BeginRead(_user), OldState, "application/json");
        var underWay = _cache.BeginRead(Guid.CreateVersion7());

        _cache.SetListening(false);
        Assert.False(_cache.IsServing);
        Assert.False(_cache.TryGet(_user, out _));
        _cache.Keep(_cache.BeginRead(_user), OldState, "application/json");

        _cache.SetListening(true);
        Assert.False(_cache.TryGet(_user, out _));
        _cache.Keep(underWay, OldState, "application/json");
        Assert.Equal(0, _cache.Count);
    }

    [Theory]
    [InlineData("/api/v1/users/0190a5c4-7f3e-7c1a-9d2b-3e4f5a6b7c8d", true)]
    [InlineData("/API/V1/USERS/0190a5c4-7f3e-7c1a-9d2b-3e4f5a6b7c8d", true)]
    [InlineData("/api/v1/users/0190a5c4-7f3e-7c1a-9d2b-3e4f5a6b7c8d/messages", false)]
    [InlineData("/api/v1/users/", false)]
    [InlineData("/api/v1/users", false)]
    [InlineData("/api/v1/users/not-a-guid", false)]
    public void Only_a_single_user_by_id_is_cacheable(string path, bool cacheable) =>
        Assert.Equal(cacheable, UserReadCaching.TryGetUserId(new Microsoft.AspNetCore.Http.PathString(path), out _));
}
