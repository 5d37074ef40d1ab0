namespace Birthday.Worker.Sending;

public enum SendOutcomeKind
{
    /// <summary>The email service accepted the message.</summary>
    Delivered,

    /// <summary>A refusal that will not change with time (4xx other than 408/429): the message fails for good.</summary>
    Permanent,

    /// <summary>It may work later (5xx, 408, 429, timeout, network, open circuit): retry durably.</summary>
    Transient,
}

/// <summary>What one send came to.</summary>
/// <param name="ReachedVendor">False when the circuit breaker refused without calling: such a try does not spend the retry budget.</param>
public sealed record SendOutcome(SendOutcomeKind Kind, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null, bool ReachedVendor = true)
{
    public static SendOutcome Delivered(string providerMessageId) => new(SendOutcomeKind.Delivered, providerMessageId);

    public static SendOutcome Permanent(string error) => new(SendOutcomeKind.Permanent, Error: error);

    public static SendOutcome Transient(string error, TimeSpan? retryAfter = null, bool reachedVendor = true) =>
        new(SendOutcomeKind.Transient, Error: error, RetryAfter: retryAfter, ReachedVendor: reachedVendor);
}
