using Birthday.Core.Messages;

namespace Birthday.Api.Users;

/// <summary>One of a user's messages: what support staff (and tests) see of what will happen and what did.</summary>
public sealed record MessageResponse(
    Guid Id,
    string Kind,
    string LocalDate,
    string DueAt,
    string Status,
    int Attempts,
    string? SentAt,
    string? LastError)
{
    public static MessageResponse From(Message message) => new(
        message.Id,
        message.Kind,
        ApiFormats.Date(message.LocalDate)!,
        ApiFormats.Instant(message.DueAt),
        message.Status.ToString(),
        message.Attempts,
        ApiFormats.Instant(message.SentAt),
        message.LastError);
}
