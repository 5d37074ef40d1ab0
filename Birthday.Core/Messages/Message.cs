using Birthday.Core.Occasions;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Core.Messages;

/// <summary>One occurrence of one occasion for one user: what to send, when, and what happened.</summary>
public sealed class Message
{
    public static readonly MessageStatus[] OpenStatuses = [MessageStatus.Pending, MessageStatus.Enqueued, MessageStatus.Sending];

    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public required string Kind { get; init; }

    /// <summary>The user's local date the occurrence falls on.</summary>
    public LocalDate LocalDate { get; init; }

    /// <summary>The instant of the send time on <see cref="LocalDate"/> in the user's zone; nothing is sent before it.</summary>
    public Instant DueAt { get; init; }

    public MessageStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the row may next be claimed: <see cref="DueAt"/> at first, later the durable retry's backoff.</summary>
    public Instant NextAttemptAt { get; set; }

    /// <summary>While Enqueued or Sending: when the claim lapses and the scheduler may take the row back.</summary>
    public Instant? LeaseUntil { get; set; }

    /// <summary>Sent with every attempt, so an email service that honours it delivers once however often we retry.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Rendered when the row is written and sent exactly as stored.</summary>
    public required string Text { get; set; }

    public required string Email { get; set; }

    public string? ProviderMessageId { get; set; }

    public string? LastError { get; set; }

    public Instant? SentAt { get; set; }

    /// <summary>How often the scheduler has put the row on the queue; each lapsed claim waits longer before the next.</summary>
    public int EnqueueCount { get; set; }

    /// <summary>W3C traceparent of the request that scheduled the row, so its delivery joins that request's trace.</summary>
    public string? TraceParent { get; init; }

    public Instant CreatedAt { get; init; }

    public Instant UpdatedAt { get; set; }

    public bool IsOpen => OpenStatuses.Contains(Status);

    public static Message Schedule(User user, OccasionKind kind, Occurrence occurrence, Instant now) => new()
    {
        Id = Guid.CreateVersion7(),
        UserId = user.Id,
        Kind = kind.Code,
        LocalDate = occurrence.LocalDate,
        DueAt = occurrence.DueAt,
        Status = MessageStatus.Pending,
        NextAttemptAt = occurrence.DueAt,
        IdempotencyKey = KeyFor(user.Id, kind.Code, occurrence.LocalDate),
        Text = kind.Render(user.FirstName, user.LastName),
        Email = user.Email,
        TraceParent = System.Diagnostics.Activity.Current?.Id,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// The same user, kind and local date always give the same key: a row that replaces a cancelled one for the same day
    /// can never cause a second delivery of that day's message.
    /// </summary>
    public static string KeyFor(Guid userId, string kind, LocalDate localDate) =>
        $"{userId:N}:{kind}:{localDate:yyyy'-'MM'-'dd}";

    public void Cancel(Instant now)
    {
        Status = MessageStatus.Cancelled;
        LeaseUntil = null;
        UpdatedAt = now;
    }
}
