using Birthday.Core.Messages;
using NodaTime;

namespace Birthday.Worker.Sending;

/// <summary>A row this worker now holds in Sending: everything needed to send it and to record the outcome.</summary>
public sealed record DeliveryAttempt(
    Guid MessageId,
    Guid UserId,
    string Kind,
    LocalDate LocalDate,
    Instant DueAt,
    string Email,
    string Text,
    string IdempotencyKey,
    int Attempts,
    bool UserIsActive);
