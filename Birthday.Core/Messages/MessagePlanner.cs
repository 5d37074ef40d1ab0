using Birthday.Core.Occasions;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Core.Messages;

/// <summary>
/// Keeps the invariant "every active user has exactly one open message per occasion it has": given a user as it was and
/// as it is now, and its open messages, says which to cancel, which to create and which to re-render.
/// </summary>
public sealed class MessagePlanner(OccasionCatalog catalog, OccurrenceCalculator calculator)
{
    public MessagePlan Plan(User? before, User after, IReadOnlyCollection<Message> openMessages, Instant now)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(openMessages);

        var toCancel = new List<Message>();
        var toCreate = new List<Message>();
        var toRefresh = new List<Message>();
        var zone = TimeZones.TryGetZone(after.TimeZone, out var z)
            ? z
            : throw new ArgumentException($"'{after.TimeZone}' is not a tzdb time zone.", nameof(after));

        foreach (var kind in catalog.Kinds)
        {
            var date = after.IsActive ? after.OccasionDate(kind.Code) : null;
            var open = openMessages.Where(m => m.Kind == kind.Code).ToList();

            // The occurrence moves when the zone or the date does, even if the local date stays the same (the instant may not).
            var moved = before is null
                || before.TimeZone != after.TimeZone
                || before.OccasionDate(kind.Code) != date;

            if (date is null || moved)
            {
                toCancel.AddRange(open);
                if (date is not null)
                {
                    toCreate.Add(Message.Schedule(after, kind, calculator.Next(date.Value, zone, kind.SendTime, now), now));
                }

                continue;
            }

            if (open.Count == 0)
            {
                // The chain was broken (or the user predates this kind): start it again.
                toCreate.Add(Message.Schedule(after, kind, calculator.Next(date.Value, zone, kind.SendTime, now), now));
                continue;
            }

            var text = kind.Render(after.FirstName, after.LastName);
            toRefresh.AddRange(open.Where(m => m.Status != MessageStatus.Sending && (m.Text != text || m.Email != after.Email)));
            foreach (var message in toRefresh.Where(m => m.Kind == kind.Code))
            {
                message.Text = text;
                message.Email = after.Email;
                message.UpdatedAt = now;
            }
        }

        foreach (var message in toCancel)
        {
            message.Cancel(now);
        }

        return new MessagePlan(toCancel, toCreate, toRefresh);
    }
}
