using Birthday.Core.Messages;
using NodaTime;

namespace Birthday.Worker.Sending;

/// <summary>
/// What a send's outcome means for its row: the new status and attempt count, the error kept on the row, and, for a retry,
/// when the next attempt may be taken.
/// </summary>
public readonly record struct OutcomeDecision(MessageStatus Status, int Attempts, string? Error, Instant? NextAttemptAt)
{
    /// <param name="cancel">The row was not sent at all (its user was deleted): Cancelled, and no attempt counted.</param>
    public static OutcomeDecision For(int attemptsBefore, SendOutcome outcome, bool cancel, Instant now, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(options);
        // A try the circuit breaker refused without calling the vendor does not spend the retry budget.
        var attempts = attemptsBefore + (outcome.ReachedVendor && !cancel ? 1 : 0);
        var status = cancel ? MessageStatus.Cancelled
            : outcome.Kind == SendOutcomeKind.Delivered ? MessageStatus.Sent
            : outcome.Kind == SendOutcomeKind.Permanent || attempts >= options.MaxAttempts ? MessageStatus.Failed
            : MessageStatus.Pending;
        var error = status == MessageStatus.Failed && outcome.Kind == SendOutcomeKind.Transient
            ? $"retry budget spent after {attempts} attempts; last: {outcome.Error}"
            : outcome.Error;
        var nextAttemptAt = status == MessageStatus.Pending
            ? now + Duration.FromTimeSpan(RetryDelay(attempts, outcome.RetryAfter, options))
            : (Instant?)null;
        return new OutcomeDecision(status, attempts, error, nextAttemptAt);
    }

    /// <summary>Exponential backoff with jitter, never sooner than the vendor's Retry-After.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponential = options.FirstRetryDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        var capped = exponential > options.MaxRetryDelay ? options.MaxRetryDelay : exponential;
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }

    /// <summary>A finished row (Sent or Failed) has its next occurrence written; a retried or cancelled one does not.</summary>
    public bool Finished => Status is MessageStatus.Sent or MessageStatus.Failed;
}
