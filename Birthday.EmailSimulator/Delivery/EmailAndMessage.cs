namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// What makes two deliveries without an Idempotency-Key the same email: the recipient (in any case, as mail systems treat
/// it) and the exact text.
/// </summary>
public readonly record struct EmailAndMessage(string Email, string Message)
{
    public bool Equals(EmailAndMessage other) =>
        string.Equals(Email, other.Email, StringComparison.OrdinalIgnoreCase) && string.Equals(Message, other.Message, StringComparison.Ordinal);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Email), StringComparer.Ordinal.GetHashCode(Message));
}
