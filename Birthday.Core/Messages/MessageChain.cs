using Birthday.Core.Occasions;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Core.Messages;

/// <summary>
/// The next link of a user's chain once a message is finished (Sent, Failed or Missed): the occurrence after it,
/// or, after a long outage, the first one that is not already past the lateness limit.
/// </summary>
public sealed class MessageChain(OccasionCatalog catalog, OccurrenceCalculator calculator)
{
    /// <returns>The next row to write, or null when the user no longer has this occasion (deleted, or the date cleared).</returns>
    public Message? Next(User user, Message finished, Instant now, Duration lateness)
    {
        ArgumentNullException.ThrowIfNull(finished);
        return Next(user, finished.Kind, finished.LocalDate, now, lateness);
    }

    /// <inheritdoc cref="Next(User, Message, Instant, Duration)"/>
    public Message? Next(User user, string kindCode, LocalDate finishedLocalDate, Instant now, Duration lateness)
    {
        ArgumentNullException.ThrowIfNull(user);

        if (!user.IsActive || !catalog.TryGet(kindCode, out var kind)
            || user.OccasionDate(kindCode) is not { } date || !TimeZones.TryGetZone(user.TimeZone, out var zone))
        {
            return null;
        }

        var following = calculator.Following(date, zone, kind.SendTime, finishedLocalDate);
        if (following.DueAt < now - lateness)
        {
            following = calculator.Next(date, zone, kind.SendTime, now - lateness);
        }

        return Message.Schedule(user, kind, following, now);
    }
}
