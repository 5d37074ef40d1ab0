using Birthday.Core.Users;

namespace Birthday.Api.Users;

public enum UserWriteOutcome
{
    Done,
    NotFound,
    EmailTaken,
    Invalid,
}

/// <summary>What a create, update or delete came to.</summary>
public sealed record UserWriteResult(UserWriteOutcome Outcome, User? User = null, IDictionary<string, string[]>? Errors = null)
{
    public static UserWriteResult NotFound { get; } = new(UserWriteOutcome.NotFound);

    public static UserWriteResult EmailTaken { get; } = new(UserWriteOutcome.EmailTaken);

    public static UserWriteResult Done(User user) => new(UserWriteOutcome.Done, user);

    public static UserWriteResult Invalid(IDictionary<string, string[]> errors) => new(UserWriteOutcome.Invalid, Errors: errors);
}
