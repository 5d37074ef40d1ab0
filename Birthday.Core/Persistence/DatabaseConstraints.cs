namespace Birthday.Core.Persistence;

/// <summary>Names of constraints whose violation means something to a caller (and is answered as such, not as a 500).</summary>
public static class DatabaseConstraints
{
    /// <summary>Unique lower(email) among users that are not deleted.</summary>
    public const string ActiveEmailIndex = "ix_users_active_email";

    /// <summary>At most one Pending/Enqueued/Sending message per user, occasion kind and local date.</summary>
    public const string OneOpenMessagePerOccurrence = "ix_messages_one_open_per_occurrence";

    /// <summary>Idempotency keys are unique among rows that are not cancelled.</summary>
    public const string IdempotencyKeyIndex = "ix_messages_idempotency_key";
}
