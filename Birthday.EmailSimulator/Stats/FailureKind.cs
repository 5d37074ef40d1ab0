namespace Birthday.EmailSimulator.Stats;

/// <summary>Every way a send can end without a plain 200.</summary>
public enum FailureKind
{
    /// <summary>An injected 500, 502 or 503; nothing delivered.</summary>
    Error,

    /// <summary>Never answered; nothing delivered.</summary>
    Hang,

    /// <summary>Delivered, then answered 500.</summary>
    LostAnswer,

    /// <summary>429, forced or over the rate limit.</summary>
    Throttled,

    /// <summary>503 during an outage.</summary>
    Outage,

    /// <summary>400 for a body or header the vendor cannot read.</summary>
    Invalid,

    /// <summary>400 for a recipient that permanently refuses email.</summary>
    InvalidRecipient,
}
