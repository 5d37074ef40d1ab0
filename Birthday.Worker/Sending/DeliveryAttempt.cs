using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Worker.Sending;

/// <summary>A row this worker now holds in Sending, with its user as it was when taken: everything needed to send it,
/// record the outcome and write the next occurrence.</summary>
public sealed record DeliveryAttempt(
    Guid MessageId,
    string Kind,
    LocalDate LocalDate,
    Instant DueAt,
    string Email,
    string Text,
    string IdempotencyKey,
    int Attempts,
    string? TraceParent,
    User User);
