using Microsoft.Extensions.Options;

namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// The deliveries the simulator made, newest <c>MaxRecords</c> kept (the oldest evicted first), with an index by
/// recipient for <c>GET /sent?email=</c> and the counts that tell a delivery repeating an earlier one.
/// </summary>
public sealed class SentEmailLog(IOptions<SimulatorOptions> options)
{
    private readonly int _capacity = options.Value.MaxRecords;

    // One short lock keeps the ring and its three indexes consistent through eviction. It is held for well under a
    // microsecond per delivery, so even thousands of sends per second barely touch it; everything slow (latency, hangs,
    // waiting on an idempotency key) happens outside it.
    private readonly Lock _gate = new();

    // Grows to the capacity, then wraps: _oldest is where the next delivery overwrites the oldest one.
    private readonly List<SentEmail> _ring = [];
    private int _oldest;

    private readonly Dictionary<string, Queue<SentEmail>> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _deliveriesByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<EmailAndMessage, int> _deliveriesWithoutKey = [];

    /// <summary>Records a delivery; true when it repeats one still remembered (same key, or without a key the same email).</summary>
    public bool Add(SentEmail sent)
    {
        lock (_gate)
        {
            var repeat = sent.IdempotencyKey is { } key
                ? CountOneMore(_deliveriesByKey, key) > 1
                : CountOneMore(_deliveriesWithoutKey, new EmailAndMessage(sent.Email, sent.Message)) > 1;

            if (_ring.Count < _capacity)
            {
                _ring.Add(sent);
            }
            else
            {
                Forget(_ring[_oldest]);
                _ring[_oldest] = sent;
                _oldest = (_oldest + 1) % _capacity;
            }

            if (!_byEmail.TryGetValue(sent.Email, out var ofRecipient))
            {
                _byEmail[sent.Email] = ofRecipient = new Queue<SentEmail>();
            }

            ofRecipient.Enqueue(sent);
            return repeat;
        }
    }

    /// <summary>The latest <paramref name="limit"/> deliveries, oldest first.</summary>
    public IReadOnlyList<SentEmail> Latest(int limit)
    {
        lock (_gate)
        {
            var count = Math.Min(limit, _ring.Count);
            var skipped = _ring.Count - count;
            var latest = new SentEmail[count];
            for (var i = 0; i < count; i++)
            {
                latest[i] = _ring[(_oldest + skipped + i) % _ring.Count];
            }

            return latest;
        }
    }

    /// <summary>The latest <paramref name="limit"/> deliveries to <paramref name="email"/> (any case), oldest first.</summary>
    public IReadOnlyList<SentEmail> LatestTo(string email, int limit)
    {
        lock (_gate)
        {
            return _byEmail.TryGetValue(email, out var ofRecipient)
                ? [.. ofRecipient.Skip(Math.Max(0, ofRecipient.Count - limit))]
                : [];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _ring.Clear();
            _oldest = 0;
            _byEmail.Clear();
            _deliveriesByKey.Clear();
            _deliveriesWithoutKey.Clear();
        }
    }

    private void Forget(SentEmail evicted)
    {
        if (evicted.IdempotencyKey is { } key)
        {
            CountOneLess(_deliveriesByKey, key);
        }
        else
        {
            CountOneLess(_deliveriesWithoutKey, new EmailAndMessage(evicted.Email, evicted.Message));
        }

        // Both queues are first in, first out under the same lock, so the evicted delivery heads its recipient's queue.
        var ofRecipient = _byEmail[evicted.Email];
        ofRecipient.Dequeue();
        if (ofRecipient.Count == 0)
        {
            _byEmail.Remove(evicted.Email);
        }
    }

    private static int CountOneMore<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull
    {
        var count = counts.GetValueOrDefault(key) + 1;
        counts[key] = count;
        return count;
    }

    private static void CountOneLess<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull
    {
        var count = counts.GetValueOrDefault(key) - 1;
        if (count > 0)
        {
            counts[key] = count;
        }
        else
        {
            counts.Remove(key);
        }
    }
}
