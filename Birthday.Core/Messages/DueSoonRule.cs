using NodaTime;

namespace Birthday.Core.Messages;

/// <summary>
/// When a write must wake the schedulers. A scheduler with nothing due sleeps until the earliest Pending row it saw is
/// due, or <see cref="DeliveryOptions.IdlePollInterval"/> at most; a row written while it sleeps and due before that is
/// claimed on time only if the write tells it. Rows due later need no word: the scheduler looks again before they are
/// due and finds them then. So only the rare write of a row due within that window signals
/// (<see cref="Persistence.DueSoonNotification"/>): signalling every write would put every commit behind Postgres's
/// lock on its notification queue.
/// </summary>
public static class DueSoonRule
{
    /// <summary>Whether a Pending row that may be claimed from <paramref name="nextAttemptAt"/> on, written at <paramref name="now"/>, must wake the schedulers.</summary>
    public static bool IsDueSoon(Instant nextAttemptAt, Instant now, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return nextAttemptAt < now + Duration.FromTimeSpan(options.IdlePollInterval);
    }

    /// <summary>Whether any of <paramref name="messages"/> is a Pending row that must wake the schedulers.</summary>
    public static bool AnyDueSoon(IEnumerable<Message> messages, Instant now, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Any(m => m.Status == MessageStatus.Pending && IsDueSoon(m.NextAttemptAt, now, options));
    }
}
