using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Worker.Sending;

/// <summary>A row this worker now holds in Sending, with its user as it was when taken: everything needed to send it,
/// record the outcome and write the next occurrence. <paramref name="LeaseUntil"/>, as stored, tells this take from a later one.</summary>
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
    Instant LeaseUntil,
    User User);

/// <summary>What came of sending a taken row, before it is recorded: <paramref name="Cancel"/> when it was not sent at all
/// (its user was deleted), the moment the vendor answered (the row's sent_at when delivered), and the delivery's trace.</summary>
public sealed record DeliveryResult(DeliveryAttempt Attempt, SendOutcome Outcome, bool Cancel, Instant AnsweredAt, string? DeliveredIn);
