namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// A send's hold on its Idempotency-Key. Either the key was already delivered (<see cref="EarlierDelivery"/>: answer with
/// it), or this send now owns the key until it reports <see cref="Delivered"/> or is disposed without delivering, which
/// lets go of the key so the next send with it gets its own chance.
/// </summary>
public sealed class IdempotencyClaim : IDisposable
{
    private readonly IdempotencyLedger? _ledger;
    private readonly TaskCompletionSource<SentEmail?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IdempotencyClaim(string key, IdempotencyLedger? ledger, SentEmail? earlierDelivery)
    {
        Key = key;
        _ledger = ledger;
        EarlierDelivery = earlierDelivery;
    }

    public string Key { get; }

    /// <summary>The delivery an earlier send with this key made; set when this send must not deliver again.</summary>
    public SentEmail? EarlierDelivery { get; }

    /// <summary>Completes with the delivery, or with null when the owner let go of the key without delivering.</summary>
    internal Task<SentEmail?> Outcome => _outcome.Task;

    internal static IdempotencyClaim Own(string key, IdempotencyLedger ledger) => new(key, ledger, null);

    internal static IdempotencyClaim Replay(string key, SentEmail earlierDelivery) => new(key, null, earlierDelivery);

    public void Delivered(SentEmail sent)
    {
        if (_ledger is not null && _outcome.TrySetResult(sent))
        {
            _ledger.Remember(this);
        }
    }

    public void Dispose()
    {
        if (_ledger is not null && !_outcome.Task.IsCompleted)
        {
            // Out of the ledger first, then wake the waiters, so a waiter that retries finds the key free.
            _ledger.LetGo(this);
            _outcome.TrySetResult(null);
        }
    }
}
