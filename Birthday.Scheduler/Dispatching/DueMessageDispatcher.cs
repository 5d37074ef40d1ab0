using System.Diagnostics;
using Birthday.Core.Messages;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using RabbitMQ.Client;

namespace Birthday.Scheduler.Dispatching;

/// <summary>
/// Turns due rows into queue messages: claims a batch of Pending rows whose time has come (FOR UPDATE SKIP LOCKED, so any
/// number of scheduler replicas share the work without overlap), publishes them a few rows per queue message with
/// publisher confirms, and commits the rows as Enqueued only once the broker has confirmed them all. A crash in between leaves the rows Pending, to be
/// claimed again; the worker's compare-and-set makes a duplicate queue message harmless.
/// </summary>
public sealed class DueMessageDispatcher(
    BirthdayDbContext db,
    IClock clock,
    IOptions<DeliveryOptions> delivery,
    IOptions<SchedulerOptions> options,
    SchedulerMetrics metrics)
{
    // The claim is where "due" is decided, by this scheduler's clock: the workers trust it (docs/design.md, "Whose
    // clock"). due_at is checked here as well as next_attempt_at, so "never early" does not rest on every writer of
    // next_attempt_at having kept it at or after due_at.
    private const string ClaimSql = """
        WITH due AS (
            SELECT id FROM messages
            WHERE status = 'Pending' AND next_attempt_at <= @now AND due_at <= @now AND due_at >= @oldest
            ORDER BY next_attempt_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED)
        UPDATE messages m
        SET status = 'Enqueued',
            enqueue_count = m.enqueue_count + 1,
            lease_until = @now + LEAST(@lease * power(2, LEAST(m.enqueue_count, 10)), interval '1 hour'),
            updated_at = @now
        FROM due
        WHERE m.id = due.id
        RETURNING m.id, m.trace_parent, m.due_at
        """;

    // Run right after the claim, in its transaction and round trip: when the earliest row it left may be claimed, so the
    // loop can sleep until then. The same conditions as the claim's, but for the instant: rows past the lateness limit are
    // the maintenance pass's, and a row is claimable once both its next attempt and its due time have come. Ordered by
    // next_attempt_at, it reads the first entry of the claim's own partial index (ix_messages_pending_due).
    private const string NextDueSql = """
        SELECT GREATEST(next_attempt_at, due_at) FROM messages
        WHERE status = 'Pending' AND due_at >= @oldest
        ORDER BY next_attempt_at
        LIMIT 1
        """;

    /// <returns>How many rows were claimed and published, and when the earliest row left may be claimed.</returns>
    public async Task<DispatchResult> DispatchBatchAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var started = DateTimeOffset.UtcNow;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetCurrentInstant();
            var (claimed, nextDueAt) = await ClaimAsync(now, ct);
            if (claimed.Count == 0)
            {
                return new DispatchResult(0, nextDueAt);
            }

            // A poll that finds nothing leaves no trace; one that claims rows is one trace, from the claim (untraced:
            // nothing was known to be due yet) to the commit, with the publishes and the commit as its children.
            using var activity = SchedulerActivity.Source.StartActivity($"dispatch {claimed.Count} due messages", ActivityKind.Internal,
                parentContext: default, startTime: started);
            activity?.SetTag("birthday.message_count", claimed.Count);
            await Task.WhenAll(claimed.Chunk(options.Value.RowsPerQueueMessage).Select(rows => PublishAsync(channel, rows, ct)));
            await transaction.CommitAsync(ct);
            metrics.Enqueued(claimed.Count);
            foreach (var row in claimed)
            {
                metrics.DispatchLateness((now - row.DueAt).TotalSeconds);
            }

            return new DispatchResult(claimed.Count, nextDueAt);
        }, cancellationToken);
    }

    private async Task<(List<ClaimedRow> Claimed, Instant? NextDueAt)> ClaimAsync(Instant now, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var oldest = now - Duration.FromTimeSpan(delivery.Value.Lateness);
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction())
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ClaimSql)
                {
                    Parameters =
                    {
                        new("now", now),
                        new("oldest", oldest),
                        new("batch", options.Value.BatchSize),
                        new("lease", delivery.Value.EnqueuedLease),
                    },
                },
                new NpgsqlBatchCommand(NextDueSql) { Parameters = { new("oldest", oldest) } },
            },
        };

        var rows = new List<ClaimedRow>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ClaimedRow(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<Instant>(2)));
        }

        await reader.NextResultAsync(cancellationToken);
        var nextDueAt = await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<Instant>(0) : (Instant?)null;
        return (rows, nextDueAt);
    }

    private static async Task PublishAsync(IChannel channel, ClaimedRow[] rows, CancellationToken cancellationToken)
    {
        // Each row remembers the trace of the request that scheduled it, and its delivery continues that trace; the
        // publish is one span for the queue message, linked to every row's trace.
        var links = rows
            .Select(row => ActivityContext.TryParse(row.TraceParent, null, out var context) ? new ActivityLink(context) : default)
            .Where(link => link.Context != default);
        using var activity = SchedulerActivity.Source.StartActivity(ActivityKind.Producer, links: links, name: "enqueue deliveries");
        activity?.SetTag("birthday.message_count", rows.Length);

        var properties = new BasicProperties { Persistent = true, ContentType = DeliveryRequest.ContentType };
        await channel.BasicPublishAsync("", DeliveryTopology.DeliveriesQueue, mandatory: true, properties,
            new DeliveryRequest(rows.Select(row => row.Id).ToList()).Serialize(), cancellationToken);
    }

    private sealed record ClaimedRow(Guid Id, string? TraceParent, Instant DueAt);
}
