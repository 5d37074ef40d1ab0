using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Birthday.Gateway.ReadCache;

/// <summary>
/// The api's answers to single-user reads, in this gateway's memory, so a read of a user nobody changed is answered without
/// a hop to an api instance and Redis. It serves only while <see cref="UserChangeListener"/> hears the api's change
/// announcements: an answer is dropped when its user changes through this gateway (before the write is forwarded and again
/// once it is answered) or anywhere else (the announcement), and at the latest after <see cref="UserReadCacheOptions.TimeToLive"/>.
/// </summary>
/// <remarks>
/// A read that missed may come back after the user changed, carrying the old state. It is kept only if no change of that
/// user (nor a <see cref="Clear"/>) happened while it was under way: every drop counts in one of a fixed set of counters
/// chosen by the user's id, and a read keeps its answer only if its counter did not move meanwhile.
/// </remarks>
public sealed class UserReadCache : IDisposable
{
    private const int CounterCount = 4096;

    private readonly ConcurrentDictionary<Guid, CachedUser> _entries = new();
    private readonly long[] _dropCounters = new long[CounterCount];
    private readonly TimeProvider _time;
    private readonly UserReadCacheOptions _options;
    private readonly ITimer _sweeper;
    private long _clears;
    private volatile bool _listening;

    public UserReadCache(IOptions<GatewayOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.UserCache;
        _time = time;
        _sweeper = time.CreateTimer(_ => RemoveExpired(), null, _options.TimeToLive, _options.TimeToLive);
    }

    /// <summary>Whether answers are served and kept: only while changes are heard.</summary>
    public bool IsServing => _listening && _options.Enabled;

    public int MaxBodyBytes => _options.MaxBodyBytes;

    public int Count => _entries.Count;

    /// <summary>Called by the listener: while changes cannot be heard, nothing kept can be trusted, so it is all dropped.</summary>
    public void SetListening(bool listening)
    {
        if (_listening != listening)
        {
            _listening = listening;
            Clear();
        }
    }

    public bool TryGet(Guid id, out CachedUser entry)
    {
        if (IsServing && _entries.TryGetValue(id, out entry!))
        {
            if (AgeOf(entry) < _options.TimeToLive)
            {
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create(id, entry));
        }

        entry = null!;
        return false;
    }

    /// <summary>How long ago the answer was kept (sent to clients as the <c>Age</c> header).</summary>
    public TimeSpan AgeOf(CachedUser entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _time.GetElapsedTime(entry.StoredAt);
    }

    /// <summary>Taken before a missed read is forwarded; <see cref="Keep"/> needs it to know whether the answer is still current.</summary>
    public ReadTicket BeginRead(Guid id) => new(id, Volatile.Read(ref _dropCounters[CounterOf(id)]), Volatile.Read(ref _clears));

    /// <summary>Keeps a forwarded read's answer, unless the user changed (or everything was dropped) since <paramref name="ticket"/>.</summary>
    public void Keep(ReadTicket ticket, byte[] body, string contentType)
    {
        if (!IsServing || _entries.Count >= _options.MaxEntries || !StillCurrent(ticket))
        {
            return;
        }

        var entry = new CachedUser(body, contentType, _time.GetTimestamp());
        _entries[ticket.Id] = entry;
        // A drop between the check above and the store did not see this entry: take it out again.
        if (!StillCurrent(ticket))
        {
            _entries.TryRemove(KeyValuePair.Create(ticket.Id, entry));
        }
    }

    /// <summary>Drops what is kept for the user, and makes any read of it under way not keep its answer.</summary>
    public void Drop(Guid id)
    {
        Interlocked.Increment(ref _dropCounters[CounterOf(id)]);
        _entries.TryRemove(id, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _clears);
        _entries.Clear();
    }

    public void Dispose() => _sweeper.Dispose();

    private bool StillCurrent(ReadTicket ticket) =>
        Volatile.Read(ref _dropCounters[CounterOf(ticket.Id)]) == ticket.DropCount && Volatile.Read(ref _clears) == ticket.ClearCount;

    private void RemoveExpired()
    {
        foreach (var (id, entry) in _entries)
        {
            if (AgeOf(entry) >= _options.TimeToLive)
            {
                _entries.TryRemove(KeyValuePair.Create(id, entry));
            }
        }
    }

    private static int CounterOf(Guid id) => (id.GetHashCode() & int.MaxValue) % CounterCount;

    public readonly record struct ReadTicket(Guid Id, long DropCount, long ClearCount);
}
