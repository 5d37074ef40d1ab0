using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// Per Idempotency-Key, the send that owns it: in flight, or delivered (then its answer is replayed to every later send
/// with the key). Only deliveries are remembered; a send that failed lets go of its key. Sends racing with one key queue
/// behind the owner, so at most one of them delivers. Bounded like the log: past <c>MaxRecords</c> remembered keys the
/// oldest are forgotten.
/// </summary>
public sealed class IdempotencyLedger(IOptions<SimulatorOptions> options)
{
    private readonly ConcurrentDictionary<string, IdempotencyClaim> _claims = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IdempotencyClaim> _deliveredOldestFirst = new();
    private readonly int _capacity = options.Value.MaxRecords;
    private int _deliveredCount;

    public async Task<IdempotencyClaim> ClaimAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_claims.TryGetValue(key, out var owner))
            {
                // Wait for the owner: it either delivered (replay its answer) or let go (try for the key again).
                if (await owner.Outcome.WaitAsync(cancellationToken) is { } delivered)
                {
                    return IdempotencyClaim.Replay(key, delivered);
                }

                continue;
            }

            var claim = IdempotencyClaim.Own(key, this);
            if (_claims.TryAdd(key, claim))
            {
                return claim;
            }
        }
    }

    public void Clear()
    {
        _claims.Clear();
        _deliveredOldestFirst.Clear();
        Interlocked.Exchange(ref _deliveredCount, 0);
    }

    internal void Remember(IdempotencyClaim delivered)
    {
        _deliveredOldestFirst.Enqueue(delivered);
        if (Interlocked.Increment(ref _deliveredCount) > _capacity && _deliveredOldestFirst.TryDequeue(out var oldest))
        {
            Interlocked.Decrement(ref _deliveredCount);
            LetGo(oldest);
        }
    }

    // Removes exactly this claim: a newer claim of the same key (after a reset or an eviction) stays.
    internal void LetGo(IdempotencyClaim claim) => _claims.TryRemove(KeyValuePair.Create(claim.Key, claim));
}
