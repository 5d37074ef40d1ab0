namespace Birthday.Api.Users;

public enum UserWriteOutcome
{
    Done,
    NotFound,
    EmailTaken,
    Invalid,
}

/// <summary>What a create, update or delete came to: for a create or update, the user as saved (and cached).</summary>
public sealed record UserWriteResult(UserWriteOutcome Outcome, UserResponse? User = null, IDictionary<string, string[]>? Errors = null)
{
    public static UserWriteResult NotFound { get; } = new(UserWriteOutcome.NotFound);

    public static UserWriteResult EmailTaken { get; } = new(UserWriteOutcome.EmailTaken);

    public static UserWriteResult Deleted { get; } = new(UserWriteOutcome.Done);

    public static UserWriteResult Saved(UserResponse user) => new(UserWriteOutcome.Done, user);

    public static UserWriteResult Invalid(IDictionary<string, string[]> errors) => new(UserWriteOutcome.Invalid, Errors: errors);
}
