using Birthday.Core.Messages;
using Birthday.Core.Occasions;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Birthday.Scheduler.Dispatching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Birthday.Scheduler.Maintenance;

/// <summary>
/// The passes that keep delivery going after anything went wrong: lapsed leases go back to Pending, rows past the
/// lateness limit become Missed (and the chain moves on), and users whose chain lost its open link get it back.
/// Every pass is set-based and safe to run on any number of scheduler replicas at once.
/// </summary>
public sealed class MessageMaintenance(
    BirthdayDbContext db,
    MessageChain chain,
    MessagePlanner planner,
    OccasionCatalog catalog,
    IClock clock,
    IOptions<DeliveryOptions> delivery,
    SchedulerMetrics metrics,
    DispatchWakeUp wakeUp,
    ILogger<MessageMaintenance> logger)
{
    private const int BatchSize = 500;

    /// <summary>A worker or a queue that lost a row (crash, dead letter, lapsed lease): the row goes back to Pending to be claimed again.</summary>
    public async Task<int> RecoverLapsedLeasesAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var now = clock.GetCurrentInstant();
        var recovered = await db.Messages
            .Where(m => (m.Status == MessageStatus.Enqueued || m.Status == MessageStatus.Sending) && m.LeaseUntil < now)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MessageStatus.Pending)
                .SetProperty(m => m.LeaseUntil, (Instant?)null)
                .SetProperty(m => m.UpdatedAt, now), cancellationToken);
        if (recovered > 0)
        {
            SchedulerActivity.RecordPass($"recover {recovered} lapsed leases", started, recovered);
            metrics.Recovered(recovered);
            logger.LogWarning("{Count} messages had a lapsed lease and are Pending again", recovered);
            // They were due when first claimed: this scheduler claims them now rather than at its next idle look. (The
            // other replicas are not told through the database: one claim is all these rows need.)
            wakeUp.Signal();
        }

        return recovered;
    }

    /// <summary>How much is waiting: Pending rows that are due, and messages on the deliveries queue (for the gauges).</summary>
    public async Task MeasureBacklogAsync(RabbitMQ.Client.IConnection rabbit, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var due = await db.Messages.LongCountAsync(m => m.Status == MessageStatus.Pending && m.NextAttemptAt <= now, cancellationToken);
        await using var channel = await rabbit.CreateChannelAsync(cancellationToken: cancellationToken);
        var depth = (await channel.QueueDeclarePassiveAsync(Core.Messaging.DeliveryTopology.DeliveriesQueue, cancellationToken)).MessageCount;
        metrics.Backlog(due, depth);
    }

    /// <summary>Pending rows older than the lateness limit are Missed, reported, and replaced by the user's next occurrence.</summary>
    public async Task<int> MarkMissedAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var lateness = Duration.FromTimeSpan(delivery.Value.Lateness);
        var total = 0;
        int batch;
        do
        {
            batch = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var now = clock.GetCurrentInstant();
                var oldest = now - lateness;
                var missed = await db.Messages
                    .FromSql($"SELECT * FROM messages WHERE status = 'Pending' AND next_attempt_at <= {now} AND due_at < {oldest} ORDER BY next_attempt_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
                    .ToListAsync(ct);
                if (missed.Count == 0)
                {
                    return 0;
                }

                var userIds = missed.Select(m => m.UserId).Distinct().ToList();
                var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
                foreach (var message in missed)
                {
                    message.Status = MessageStatus.Missed;
                    message.LastError = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Not sent within {delivery.Value.Lateness.TotalHours:0.##} h of its due time (the lateness limit).");
                    message.UpdatedAt = now;
                    logger.LogWarning("Message {MessageId} ({Kind} of {LocalDate}) was missed: due {DueAt}, now {Now}",
                        message.Id, message.Kind, message.LocalDate, message.DueAt, now);
                }

                await db.SaveChangesAsync(ct);
                var next = missed
                    .Select(m => users.TryGetValue(m.UserId, out var user) ? chain.Next(user, m, now, lateness) : null)
                    .OfType<Message>()
                    .ToList();
                db.Messages.AddRange(next);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                // After a long outage the next link may itself be due already (the first occurrence within the limit).
                if (DueSoonRule.AnyDueSoon(next, now, delivery.Value))
                {
                    wakeUp.Signal();
                }
                return missed.Count;
            }, cancellationToken);

            total += batch;
        }
        while (batch == BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            SchedulerActivity.RecordPass($"mark {total} messages missed", started, total);
            metrics.Missed(total);
        }

        return total;
    }

    /// <summary>
    /// Re-creates the open message of every active user who has an occasion but no open row for it. Nothing should ever
    /// need it (every write keeps the chain), so anything it finds is logged: it is the safety net, not the mechanism.
    /// </summary>
    public async Task<int> RepairChainsAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var repaired = 0;
        foreach (var kind in catalog.Kinds.Where(k => OccasionDates.Selectors.ContainsKey(k.Code)))
        {
            int batch;
            do
            {
                batch = await RepairBatchAsync(kind.Code, cancellationToken);
                repaired += batch;
            }
            while (batch == BatchSize && !cancellationToken.IsCancellationRequested);
        }

        if (repaired > 0)
        {
            SchedulerActivity.RecordPass($"repair {repaired} chains", started, repaired);
            metrics.Repaired(repaired);
            logger.LogWarning("Repair re-created {Count} missing open messages", repaired);
        }

        return repaired;
    }

    private async Task<int> RepairBatchAsync(string kindCode, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetCurrentInstant();
        var users = await db.Users
            .Where(u => u.DeletedAt == null)
            .Where(OccasionDates.IsSet(kindCode))
            .Where(u => !db.Messages.Any(m => m.UserId == u.Id && m.Kind == kindCode
                && (m.Status == MessageStatus.Pending || m.Status == MessageStatus.Enqueued || m.Status == MessageStatus.Sending)))
            .OrderBy(u => u.Id)
            .Take(BatchSize)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (users.Count == 0)
        {
            return 0;
        }

        var created = users
            .SelectMany(u => planner.Plan(u, u, [], now).ToCreate.Where(m => m.Kind == kindCode))
            .ToList();
        db.Messages.AddRange(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // A user changed while we looked (the api wrote the link itself): leave this batch to the next pass.
            logger.LogInformation(ex, "Repair batch for {Kind} raced with a user change; retrying next pass", kindCode);
            return 0;
        }

        if (DueSoonRule.AnyDueSoon(created, now, delivery.Value))
        {
            wakeUp.Signal();
        }

        return created.Count;
    }
}
