namespace Birthday.Core.Persistence;

/// <summary>Names of constraints whose violation means something to a caller (and is answered as such, not as a 500).</summary>
public static class DatabaseConstraints
{
    /// <summary>Unique lower(email) among users that are not deleted.</summary>
    public const string ActiveEmailIndex = "ix_users_active_email";

    /// <summary>
    /// Idempotency keys are unique among rows that are not cancelled; a key names the user, the kind and the local date,
    /// so an occurrence has at most one live row.
    /// </summary>
    public const string IdempotencyKeyIndex = "ix_messages_idempotency_key";
}
