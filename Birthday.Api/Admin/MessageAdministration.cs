using Birthday.Api.Users;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Birthday.Api.Admin;

/// <summary>Counts by status and re-driving Failed messages, on the primary.</summary>
public sealed class MessageAdministration(BirthdayDbContext db, IClock clock, IOptions<DeliveryOptions> delivery)
{
    public async Task<MessageSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var byStatus = await db.Messages.GroupBy(m => m.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Status.ToString(), g => g.Count, cancellationToken);
        var pendingAndDue = await db.Messages.LongCountAsync(m => m.Status == MessageStatus.Pending && m.NextAttemptAt <= now, cancellationToken);
        var oldest = await db.Messages
            .Where(m => (m.Status == MessageStatus.Pending || m.Status == MessageStatus.Enqueued || m.Status == MessageStatus.Sending) && m.DueAt <= now)
            .OrderBy(m => m.DueAt).Select(m => (Instant?)m.DueAt).FirstOrDefaultAsync(cancellationToken);
        return new MessageSummary(byStatus, pendingAndDue, ApiFormats.Instant(oldest), ApiFormats.Instant(now));
    }

    /// <summary>
    /// Failed messages still within the lateness limit, of users still active, go back to Pending with a fresh retry budget
    /// (the vendor was fixed, a bug was fixed). Older ones stay Failed: sending a birthday message days late does more harm than good.
    /// </summary>
    public async Task<RedriveResult> RedriveFailedAsync(CancellationToken cancellationToken)
    {
        var redriven = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetCurrentInstant();
            var oldest = now - Duration.FromTimeSpan(delivery.Value.Lateness);
            var count = await db.Messages
                .Where(m => m.Status == MessageStatus.Failed && m.DueAt >= oldest && db.Users.Any(u => u.Id == m.UserId && u.DeletedAt == null))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(m => m.Status, MessageStatus.Pending)
                    .SetProperty(m => m.Attempts, 0)
                    .SetProperty(m => m.NextAttemptAt, now)
                    .SetProperty(m => m.LastError, m => "re-driven by an admin; was: " + m.LastError)
                    .SetProperty(m => m.UpdatedAt, now), ct);
            // Due at once: the schedulers hear of them at the commit instead of at their next idle look.
            if (count > 0)
            {
                await DueSoonNotification.SendAsync(db.Database, ct);
            }

            await transaction.CommitAsync(ct);
            return count;
        }, cancellationToken);
        var skipped = await db.Messages.LongCountAsync(m => m.Status == MessageStatus.Failed, cancellationToken);
        return new RedriveResult(redriven, skipped, skipped > 0 ? "Failed messages past the lateness limit, or of deleted users, stay Failed." : null);
    }
}
