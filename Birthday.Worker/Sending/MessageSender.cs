using System.Diagnostics;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Birthday.Worker.WarmUp;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Birthday.Worker.Sending;

/// <summary>
/// Delivers messages: takes the rows a queue message names with one compare-and-set (Enqueued → Sending, with a lease),
/// then for each sends its stored text with its idempotency key and records the outcome — Sent, Failed, or Pending
/// again with a later next attempt — in one statement that also writes the user's next occurrence. A stale or duplicate
/// queue message finds nothing to take. Both steps are single SQL statements: at hundreds of deliveries a second,
/// round trips are the cost that counts.
/// </summary>
public sealed class MessageSender(
    BirthdayDbContext db,
    EmailClient email,
    MessageChain chain,
    IClock clock,
    IOptions<DeliveryOptions> delivery,
    WorkerMetrics metrics,
    ILogger<MessageSender> logger)
{
    public static readonly ActivitySource ActivitySource = new("Birthday.Worker");

    // The scheduler's claim decides that a row is due (by its clock; see docs/design.md, "Whose clock"): an Enqueued row
    // is taken even if this worker's clock still reads a little before due_at, up to the allowed skew, because dropping
    // it would leave it Enqueued until its lease lapsed — minutes late for milliseconds of disagreement. Pending is
    // accepted too: after a lapsed lease the scheduler may have put the row back while its old queue message was still
    // on its way; next_attempt_at, by this worker's clock, keeps a durable retry from being taken early.
    private const string TakeSql = """
        UPDATE messages m
        SET status = 'Sending', lease_until = @lease_until, updated_at = @now
        FROM users u
        WHERE m.id = ANY(@ids) AND u.id = m.user_id
          AND (m.status = 'Enqueued' OR (m.status = 'Pending' AND m.next_attempt_at <= @now))
          AND m.due_at <= @now + @max_skew
        RETURNING m.id AS message_id, m.kind, m.local_date, m.due_at, m.email, m.text, m.idempotency_key, m.attempts,
                  m.trace_parent, m.lease_until, u.id AS user_id, u.first_name, u.last_name, u.email AS user_email,
                  u.time_zone, u.birthday_date, u.anniversary_date, u.deleted_at
        """;

    // The queue message can arrive before the claim that published it has committed (the scheduler commits after the
    // broker's confirms). The take's WHERE would then judge the row as its last committed version, Pending, and skip it
    // without waiting — silently, until its lease lapsed. Locking the rows first (in id order, so two takes of the same
    // rows never deadlock) waits for that commit; the take, run in the same round trip but as a statement of its own,
    // then sees the claim.
    private const string LockSql = """
        SELECT count(*) FROM (SELECT 1 FROM messages WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE) AS locked
        """;

    // Rows of a queue message that were claimed but that this worker's clock says are not due even with the allowed skew.
    private const string HeldByClockSql = """
        SELECT count(*), max(due_at) FROM messages WHERE id = ANY(@ids) AND status = 'Enqueued' AND due_at > @now + @max_skew
        """;

    // One statement for every outcome of a queue message. Locking the users (in id order, so two workers never wait on
    // each other in a circle) serialises this with the api's changes to them; an update only lands if the row is still
    // ours: Sending under the lease this take set (a user change may have cancelled it meanwhile, or a lapsed lease may
    // have handed it to another worker, whose outcome then counts). 'Sending' comes from a sub-select on purpose: as a
    // literal it lets the planner use the leased rows' partial index, which statistics taken when nearly every row was
    // Pending make look empty, and the update then scans every leased row (tens of milliseconds in a burst instead of a
    // few). A next occurrence is written only for a row that landed, and only if the user has no other open message of
    // this kind (the api may already have written one for a changed date). The input is one array per column, each
    // parameter named as its column (RecordColumns binds them by name): unnest pairs them up by position, so the two
    // lists below are the one place where order counts.
    private const string RecordSql = """
        WITH input AS (
            SELECT * FROM unnest(@id, @user_id, @kind, @status, @attempts, @error, @provider_id, @answered_at,
                                 @retry, @next_attempt_at, @chain, @n_id, @n_local_date, @n_due_at, @n_key, @n_text,
                                 @n_email, @n_trace, @lease_until)
                AS i(id, user_id, kind, status, attempts, error, provider_id, answered_at,
                     retry, next_attempt_at, chain, n_id, n_local_date, n_due_at, n_key, n_text,
                     n_email, n_trace, lease_until)),
        locked AS (SELECT id FROM users WHERE id IN (SELECT user_id FROM input) ORDER BY id FOR UPDATE),
        done AS (
            UPDATE messages m
            SET status = i.status, attempts = i.attempts, lease_until = NULL, last_error = i.error, updated_at = @now,
                sent_at = CASE WHEN i.status = 'Sent' THEN i.answered_at ELSE m.sent_at END,
                provider_message_id = COALESCE(i.provider_id, m.provider_message_id),
                next_attempt_at = CASE WHEN i.retry THEN i.next_attempt_at ELSE m.next_attempt_at END
            FROM input i
            WHERE m.id = i.id AND m.lease_until = i.lease_until AND m.status = (SELECT 'Sending')
              AND i.user_id IN (SELECT id FROM locked)
            RETURNING m.id),
        chained AS (
            INSERT INTO messages (id, user_id, kind, local_date, due_at, status, attempts, next_attempt_at, idempotency_key,
                                  text, email, enqueue_count, trace_parent, created_at, updated_at)
            SELECT i.n_id, i.user_id, i.kind, i.n_local_date, i.n_due_at, 'Pending', 0, i.n_due_at, i.n_key,
                   i.n_text, i.n_email, 0, i.n_trace, @now, @now
            FROM input i
            WHERE i.chain AND i.id IN (SELECT id FROM done)
              AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.user_id = i.user_id AND o.kind = i.kind AND o.id <> i.id
                              AND o.status IN ('Pending', 'Enqueued', 'Sending'))
            ON CONFLICT DO NOTHING
            RETURNING id)
        SELECT i.id, i.id IN (SELECT id FROM done) AS recorded, i.n_id IN (SELECT id FROM chained) AS chained FROM input i
        """;

    /// <summary>Takes every row of <paramref name="messageIds"/> that is ready to send; the others are already done, held or cancelled.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> TakeAsync(IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var now = clock.GetCurrentInstant();
        var attempts = await TakeRowsAsync(messageIds, now, cancellationToken);

        metrics.Skipped(messageIds.Count - attempts.Count);
        if (attempts.Count < messageIds.Count)
        {
            await WarnOfHeldRowsAsync(messageIds, now, cancellationToken);
        }

        return attempts;
    }

    private Task<List<DeliveryAttempt>> TakeRowsAsync(IReadOnlyList<Guid> messageIds, Instant now, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var ids = messageIds.ToArray();
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(LockSql) { Parameters = { new("ids", ids) } },
                    new NpgsqlBatchCommand(TakeSql)
                    {
                        Parameters =
                        {
                            new("ids", ids),
                            new("now", now),
                            new("lease_until", now + Duration.FromTimeSpan(delivery.Value.SendingLease)),
                            new("max_skew", delivery.Value.MaxClockSkew),
                        },
                    },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // past the lock's row count
            var taken = new List<DeliveryAttempt>();
            var columns = new TakenColumns(reader);
            while (await reader.ReadAsync(cancellationToken))
            {
                taken.Add(columns.Read(reader));
            }

            return taken;
        });

    /// <summary>
    /// Rows skipped because this worker's clock runs too far behind the scheduler's wait for their lease to lapse and be
    /// claimed again: late, so never silent. (Rows already done, cancelled or held by another worker are skipped quietly.)
    /// </summary>
    private async Task WarnOfHeldRowsAsync(IReadOnlyList<Guid> messageIds, Instant now, CancellationToken cancellationToken)
    {
        var (held, latestDueAt) = await CountHeldRowsAsync(messageIds, now, cancellationToken);
        if (held > 0)
        {
            logger.LogError(
                "{Count} claimed messages are due up to {DueAt}, more than Delivery:MaxClockSkew ({MaxClockSkew}) after this worker's clock ({Now}): " +
                "its clock runs behind the scheduler's. They are sent once their lease lapses and they are claimed again.",
                held, latestDueAt, delivery.Value.MaxClockSkew, now);
        }
    }

    private Task<(long Held, Instant? LatestDueAt)> CountHeldRowsAsync(IReadOnlyList<Guid> messageIds, Instant now, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(HeldByClockSql, connection);
            command.Parameters.AddWithValue("ids", messageIds.ToArray());
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("max_skew", delivery.Value.MaxClockSkew);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), reader.IsDBNull(1) ? (Instant?)null : reader.GetFieldValue<Instant>(1));
        });

    /// <summary>Sends one taken row, in the trace of the request that scheduled it; nothing is written yet.</summary>
    public async Task<DeliveryResult> SendAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ActivityContext.TryParse(attempt.TraceParent, null, out var scheduledIn);
        var queueMessage = Activity.Current?.Context;
        using var activity = ActivitySource.StartActivity(ActivityKind.Consumer, scheduledIn,
            links: queueMessage is { } received ? [new ActivityLink(received)] : null, name: "deliver message");
        activity?.SetTag("birthday.message_id", attempt.MessageId);
        activity?.SetTag("birthday.user_id", attempt.User.Id);
        activity?.SetTag("birthday.kind", attempt.Kind);
        // Every line logged while sending (the email client's retries included) names the message and the user, so the
        // dashboard's structured logs can be filtered on either.
        using var logScope = logger.BeginScope(new KeyValuePair<string, object>[] { new("MessageId", attempt.MessageId), new("UserId", attempt.User.Id) });

        if (!attempt.User.IsActive)
        {
            return new DeliveryResult(attempt, SendOutcome.Permanent("the user was deleted"), Cancel: true, clock.GetCurrentInstant(), activity?.Id);
        }

        SendOutcome outcome;
        try
        {
            outcome = await email.SendAsync(attempt.Email, attempt.Text, attempt.IdempotencyKey, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A failure the client does not know (a handler's bug, an exhausted resource): this row is retried through the
            // database like any passing error, and the other rows of its queue message are still recorded now.
            logger.LogError(ex, "Sending message {MessageId} failed unexpectedly; it will be retried", attempt.MessageId);
            outcome = SendOutcome.Transient($"unexpected {ex.GetType().Name}: {ex.Message}");
        }

        return new DeliveryResult(attempt, outcome, Cancel: false, clock.GetCurrentInstant(), activity?.Id);
    }

    /// <summary>
    /// Records the outcomes of one queue message's rows in one statement: Sent (at the moment the vendor answered),
    /// Failed, Cancelled, or Pending again with a later next attempt; and each finished row's next occurrence.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        var now = clock.GetCurrentInstant();
        var rows = results.Select(result => Plan(result, now)).ToList();
        var outcomes = await RecordRowsAsync(rows, now, cancellationToken);

        foreach (var row in rows)
        {
            var attempt = row.Result.Attempt;
            var (recorded, chained) = outcomes[attempt.MessageId];
            if (!recorded)
            {
                // The user changed while we sent (the row was cancelled and replaced), or our lease lapsed and another
                // worker holds the row now: the replacement or the other worker carries on.
                logger.LogWarning("Message {MessageId} was no longer ours in Sending when its outcome {Outcome} came back; kept in the log only",
                    attempt.MessageId, row.Result.Outcome.Kind);
                continue;
            }

            metrics.Recorded(row.Decision.Status, row.Result.Outcome, row.Result.AnsweredAt - attempt.DueAt);
            if (row.Next is not null && !chained)
            {
                logger.LogInformation("Message {MessageId}: the user already has an open {Kind} message; no new link written", attempt.MessageId, attempt.Kind);
            }
        }
    }

    private Task<Dictionary<Guid, (bool Recorded, bool Chained)>> RecordRowsAsync(List<RecordPlan> rows, Instant now, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var record = new NpgsqlBatchCommand(RecordSql);
            record.Parameters.AddWithValue("now", now);
            RecordColumns.Bind(record.Parameters, rows, now);
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { record } };
            if (WakesSchedulers(rows, now))
            {
                // A batch is one implicit transaction: the schedulers hear of the rows once they are committed.
                batch.BatchCommands.Add(new NpgsqlBatchCommand(DueSoonNotification.NotifySql));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var recorded = new Dictionary<Guid, (bool Recorded, bool Chained)>();
            int id = reader.GetOrdinal("id"), landed = reader.GetOrdinal("recorded"), linked = reader.GetOrdinal("chained");
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded[reader.GetGuid(id)] = (reader.GetBoolean(landed), reader.GetBoolean(linked));
            }

            return recorded;
        });

    /// <summary>
    /// Runs the take, held-rows and record statements once on a row that does not exist, so a fresh worker's first delivery
    /// does not wait for them to be compiled and for its connections to open (<see cref="DeliveryPathWarmUp"/>). Nothing
    /// matches, so nothing is written, counted or logged.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var unknown = new DeliveryAttempt(Guid.CreateVersion7(), OccasionCodes.Birthday, now.InUtc().Date, now, "warm-up@example.invalid",
            "", "warm-up", 0, null, now, new User { Id = Guid.CreateVersion7(), FirstName = "Warm", LastName = "Up", Email = "warm-up@example.invalid", TimeZone = "Etc/UTC" });
        await TakeRowsAsync([unknown.MessageId], now, cancellationToken);
        await CountHeldRowsAsync([unknown.MessageId], now, cancellationToken);
        // A passing failure: its plan writes no next occurrence, so it starts no trace of its own.
        var failed = new DeliveryResult(unknown, SendOutcome.Transient("warm-up"), Cancel: false, now, DeliveredIn: null);
        await RecordRowsAsync([Plan(failed, now)], now, cancellationToken);
    }

    /// <summary>
    /// Whether a row this record makes Pending may be claimed before the schedulers would look (<see cref="DueSoonRule"/>):
    /// a retry due within seconds (a short Retry-After, short delays in tests), or a next link already due (the first
    /// occurrence within the lateness limit after a long outage). The rare case: retries wait half a minute and more by
    /// default, next links a year. Whether each row then lands is known only after the statement; a signal for one that did
    /// not costs one empty claim.
    /// </summary>
    private bool WakesSchedulers(List<RecordPlan> rows, Instant now) =>
        rows.Any(r => (r.Decision.NextAttemptAt is { } retryAt && DueSoonRule.IsDueSoon(retryAt, now, delivery.Value))
            || (r.Next is { } next && DueSoonRule.IsDueSoon(next.NextAttemptAt, now, delivery.Value)));

    /// <summary>What an outcome means for the row (<see cref="OutcomeDecision"/>), and for a finished row its next occurrence.</summary>
    private RecordPlan Plan(DeliveryResult result, Instant now)
    {
        var options = delivery.Value;
        var (attempt, outcome, cancel, _, deliveredIn) = result;
        var decision = OutcomeDecision.For(attempt.Attempts, outcome, cancel, now, options);
        // The next occurrence remembers the trace it was planned in: this row's delivery, not the batch being recorded.
        ActivityContext.TryParse(deliveredIn, null, out var deliveredInContext);
        using var planning = decision.Finished ? ActivitySource.StartActivity(ActivityKind.Internal, deliveredInContext, name: "plan next occurrence") : null;
        var next = decision.Finished
            ? chain.Next(attempt.User, attempt.Kind, attempt.LocalDate, now, Duration.FromTimeSpan(options.Lateness))
            : null;
        return new RecordPlan(result, decision, next);
    }

    private sealed record RecordPlan(DeliveryResult Result, OutcomeDecision Decision, Message? Next);

    /// <summary>The take's RETURNING columns, found by name once per result, and one row of them read as a delivery attempt.</summary>
    private readonly struct TakenColumns(NpgsqlDataReader reader)
    {
        private readonly int _messageId = reader.GetOrdinal("message_id");
        private readonly int _kind = reader.GetOrdinal("kind");
        private readonly int _localDate = reader.GetOrdinal("local_date");
        private readonly int _dueAt = reader.GetOrdinal("due_at");
        private readonly int _email = reader.GetOrdinal("email");
        private readonly int _text = reader.GetOrdinal("text");
        private readonly int _idempotencyKey = reader.GetOrdinal("idempotency_key");
        private readonly int _attempts = reader.GetOrdinal("attempts");
        private readonly int _traceParent = reader.GetOrdinal("trace_parent");
        private readonly int _leaseUntil = reader.GetOrdinal("lease_until");
        private readonly int _userId = reader.GetOrdinal("user_id");
        private readonly int _firstName = reader.GetOrdinal("first_name");
        private readonly int _lastName = reader.GetOrdinal("last_name");
        private readonly int _userEmail = reader.GetOrdinal("user_email");
        private readonly int _timeZone = reader.GetOrdinal("time_zone");
        private readonly int _birthdayDate = reader.GetOrdinal("birthday_date");
        private readonly int _anniversaryDate = reader.GetOrdinal("anniversary_date");
        private readonly int _deletedAt = reader.GetOrdinal("deleted_at");

        public DeliveryAttempt Read(NpgsqlDataReader row)
        {
            var user = new User
            {
                Id = row.GetGuid(_userId),
                FirstName = row.GetString(_firstName),
                LastName = row.GetString(_lastName),
                Email = row.GetString(_userEmail),
                TimeZone = row.GetString(_timeZone),
                BirthdayDate = Nullable<LocalDate>(row, _birthdayDate),
                AnniversaryDate = Nullable<LocalDate>(row, _anniversaryDate),
                DeletedAt = Nullable<Instant>(row, _deletedAt),
            };
            return new DeliveryAttempt(
                row.GetGuid(_messageId),
                row.GetString(_kind),
                row.GetFieldValue<LocalDate>(_localDate),
                row.GetFieldValue<Instant>(_dueAt),
                row.GetString(_email),
                row.GetString(_text),
                row.GetString(_idempotencyKey),
                row.GetInt32(_attempts),
                row.IsDBNull(_traceParent) ? null : row.GetString(_traceParent),
                row.GetFieldValue<Instant>(_leaseUntil),
                user);
        }

        private static T? Nullable<T>(NpgsqlDataReader row, int ordinal) where T : struct =>
            row.IsDBNull(ordinal) ? null : row.GetFieldValue<T>(ordinal);
    }

    /// <summary>The record statement's input: one array per column of <c>unnest</c>, each parameter named as its column.</summary>
    private static class RecordColumns
    {
        public static void Bind(NpgsqlParameterCollection p, List<RecordPlan> rows, Instant now)
        {
            Column(p, "id", rows, r => r.Result.Attempt.MessageId);
            Column(p, "user_id", rows, r => r.Result.Attempt.User.Id);
            Column(p, "kind", rows, r => r.Result.Attempt.Kind);
            Column(p, "status", rows, r => r.Decision.Status.ToString());
            Column(p, "attempts", rows, r => r.Decision.Attempts);
            Column(p, "error", rows, r => r.Decision.Error, NpgsqlDbType.Text);
            Column(p, "provider_id", rows, r => r.Result.Outcome.ProviderMessageId, NpgsqlDbType.Text);
            Column(p, "answered_at", rows, r => r.Result.AnsweredAt);
            Column(p, "retry", rows, r => r.Decision.NextAttemptAt is not null);
            Column(p, "next_attempt_at", rows, r => r.Decision.NextAttemptAt ?? now);
            Column(p, "chain", rows, r => r.Next is not null);
            // Rows without a next occurrence still need a value in every n_ column (the insert skips them).
            Column(p, "n_id", rows, r => r.Next?.Id ?? Guid.NewGuid());
            Column(p, "n_local_date", rows, r => r.Next?.LocalDate ?? r.Result.Attempt.LocalDate);
            Column(p, "n_due_at", rows, r => r.Next?.DueAt ?? now);
            Column(p, "n_key", rows, r => r.Next?.IdempotencyKey ?? "");
            Column(p, "n_text", rows, r => r.Next?.Text ?? "");
            Column(p, "n_email", rows, r => r.Next?.Email ?? "");
            Column(p, "n_trace", rows, r => r.Next?.TraceParent, NpgsqlDbType.Text);
            Column(p, "lease_until", rows, r => r.Result.Attempt.LeaseUntil);
        }

        /// <param name="elementType">For a column of nullable text, whose type Npgsql cannot infer from an array of nulls.</param>
        private static void Column<T>(NpgsqlParameterCollection p, string name, List<RecordPlan> rows, Func<RecordPlan, T> value, NpgsqlDbType? elementType = null)
        {
            var values = new T[rows.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = value(rows[i]);
            }

            if (elementType is { } type)
            {
                p.AddWithValue(name, NpgsqlDbType.Array | type, values);
            }
            else
            {
                p.AddWithValue(name, values);
            }
        }
    }

    private Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work) => db.Database.WithOpenConnectionAsync(work);
}
