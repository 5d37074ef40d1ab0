using System.Diagnostics;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

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

    // Pending is accepted too: after a lapsed lease the scheduler may have put the row back while its old queue message
    // was still on its way. next_attempt_at keeps a durable retry from being taken early; due_at keeps anything from being early.
    private const string TakeSql = """
        UPDATE messages m
        SET status = 'Sending', lease_until = @lease_until, updated_at = @now
        FROM users u
        WHERE m.id = ANY(@ids) AND u.id = m.user_id
          AND (m.status = 'Enqueued' OR (m.status = 'Pending' AND m.next_attempt_at <= @now))
          AND m.due_at <= @now
        RETURNING m.kind, m.local_date, m.due_at, m.email, m.text, m.idempotency_key, m.attempts,
                  u.id, u.first_name, u.last_name, u.email, u.time_zone, u.birthday_date, u.anniversary_date, u.deleted_at,
                  m.id, m.trace_parent
        """;

    // Locking the user serialises this with the api's changes to it; the update only lands if the row is still ours
    // (a user change may have cancelled it meanwhile); the next occurrence is written only then, and only if the user
    // has no other open message of this kind (the api may already have written one for a changed date).
    private const string RecordSql = """
        WITH locked AS (SELECT id FROM users WHERE id = @user_id FOR UPDATE),
        done AS (
            UPDATE messages
            SET status = @status, attempts = @attempts, lease_until = NULL, last_error = @error, updated_at = @now,
                sent_at = CASE WHEN @status = 'Sent' THEN @now ELSE sent_at END,
                provider_message_id = COALESCE(@provider_id, provider_message_id),
                next_attempt_at = COALESCE(@next_attempt_at, next_attempt_at)
            WHERE id = @id AND status = 'Sending' AND EXISTS (SELECT 1 FROM locked)
            RETURNING id),
        chained AS (
            INSERT INTO messages (id, user_id, kind, local_date, due_at, status, attempts, next_attempt_at, idempotency_key,
                                  text, email, enqueue_count, trace_parent, created_at, updated_at)
            SELECT @n_id, @user_id, @kind, @n_local_date, @n_due_at, 'Pending', 0, @n_due_at, @n_key,
                   @n_text, @n_email, 0, @n_trace, @now, @now
            WHERE @chain AND EXISTS (SELECT 1 FROM done)
              AND NOT EXISTS (SELECT 1 FROM messages WHERE user_id = @user_id AND kind = @kind AND id <> @id
                              AND status IN ('Pending', 'Enqueued', 'Sending'))
            ON CONFLICT DO NOTHING
            RETURNING id)
        SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM chained)
        """;

    /// <summary>Takes every row of <paramref name="messageIds"/> that is ready to send; the others are already done, held or cancelled.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> TakeAsync(IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var now = clock.GetCurrentInstant();
        var attempts = await WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(TakeSql, connection);
            command.Parameters.AddWithValue("ids", messageIds.ToArray());
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("lease_until", now + Duration.FromTimeSpan(delivery.Value.SendingLease));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var taken = new List<DeliveryAttempt>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var user = new User
                {
                    Id = reader.GetGuid(7),
                    FirstName = reader.GetString(8),
                    LastName = reader.GetString(9),
                    Email = reader.GetString(10),
                    TimeZone = reader.GetString(11),
                    BirthdayDate = reader.IsDBNull(12) ? null : reader.GetFieldValue<LocalDate>(12),
                    AnniversaryDate = reader.IsDBNull(13) ? null : reader.GetFieldValue<LocalDate>(13),
                    DeletedAt = reader.IsDBNull(14) ? null : reader.GetFieldValue<Instant>(14),
                };
                taken.Add(new DeliveryAttempt(reader.GetGuid(15), reader.GetString(0), reader.GetFieldValue<LocalDate>(1),
                    reader.GetFieldValue<Instant>(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6),
                    reader.IsDBNull(16) ? null : reader.GetString(16), user));
            }

            return taken;
        });

        metrics.Skipped(messageIds.Count - attempts.Count);
        return attempts;
    }

    /// <summary>Sends one taken row and records the outcome, in the trace of the request that scheduled it.</summary>
    public async Task<SendOutcomeKind> DeliverAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ActivityContext.TryParse(attempt.TraceParent, null, out var scheduledIn);
        var queueMessage = Activity.Current?.Context;
        using var activity = ActivitySource.StartActivity(ActivityKind.Consumer, scheduledIn,
            links: queueMessage is { } received ? [new ActivityLink(received)] : null, name: "deliver message");
        activity?.SetTag("birthday.message_id", attempt.MessageId);
        activity?.SetTag("birthday.kind", attempt.Kind);

        if (!attempt.User.IsActive)
        {
            await RecordAsync(attempt, SendOutcome.Permanent("the user was deleted"), cancel: true, cancellationToken);
            return SendOutcomeKind.Permanent;
        }

        var outcome = await email.SendAsync(attempt.Email, attempt.Text, attempt.IdempotencyKey, cancellationToken);
        await RecordAsync(attempt, outcome, cancel: false, cancellationToken);
        return outcome.Kind;
    }

    private async Task RecordAsync(DeliveryAttempt attempt, SendOutcome outcome, bool cancel, CancellationToken cancellationToken)
    {
        var options = delivery.Value;
        var now = clock.GetCurrentInstant();
        var attempts = attempt.Attempts + (outcome.ReachedVendor && !cancel ? 1 : 0);
        var status = cancel ? MessageStatus.Cancelled
            : outcome.Kind == SendOutcomeKind.Delivered ? MessageStatus.Sent
            : outcome.Kind == SendOutcomeKind.Permanent || attempts >= options.MaxAttempts ? MessageStatus.Failed
            : MessageStatus.Pending;
        var error = status == MessageStatus.Failed && outcome.Kind == SendOutcomeKind.Transient
            ? $"retry budget spent after {attempts} attempts; last: {outcome.Error}"
            : outcome.Error;
        var next = status is MessageStatus.Sent or MessageStatus.Failed
            ? chain.Next(attempt.User, attempt.Kind, attempt.LocalDate, now, Duration.FromTimeSpan(options.Lateness))
            : null;

        var (recorded, chained) = await WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(RecordSql, connection);
            var p = command.Parameters;
            p.AddWithValue("id", attempt.MessageId);
            p.AddWithValue("user_id", attempt.User.Id);
            p.AddWithValue("kind", attempt.Kind);
            p.AddWithValue("status", status.ToString());
            p.AddWithValue("attempts", attempts);
            p.AddWithValue("error", (object?)error ?? DBNull.Value);
            p.AddWithValue("now", now);
            p.AddWithValue("provider_id", NpgsqlTypes.NpgsqlDbType.Varchar, (object?)outcome.ProviderMessageId ?? DBNull.Value);
            p.AddWithValue("next_attempt_at", NpgsqlTypes.NpgsqlDbType.TimestampTz,
                status == MessageStatus.Pending ? now + Duration.FromTimeSpan(RetryDelay(attempts, outcome.RetryAfter, options)) : DBNull.Value);
            p.AddWithValue("chain", next is not null);
            p.AddWithValue("n_id", next?.Id ?? Guid.Empty);
            p.AddWithValue("n_local_date", next?.LocalDate ?? attempt.LocalDate);
            p.AddWithValue("n_due_at", next?.DueAt ?? now);
            p.AddWithValue("n_key", next?.IdempotencyKey ?? "");
            p.AddWithValue("n_text", next?.Text ?? "");
            p.AddWithValue("n_email", next?.Email ?? "");
            p.AddWithValue("n_trace", NpgsqlTypes.NpgsqlDbType.Varchar, (object?)next?.TraceParent ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), reader.GetInt64(1));
        });

        if (recorded == 0)
        {
            // The user changed while we sent (the row was cancelled and replaced): the replacement carries on.
            logger.LogWarning("Message {MessageId} was no longer Sending when its outcome {Outcome} came back; kept in the log only",
                attempt.MessageId, outcome.Kind);
            return;
        }

        metrics.Recorded(status, outcome, now - attempt.DueAt);
        if (next is not null && chained == 0)
        {
            logger.LogInformation("Message {MessageId}: the user already has an open {Kind} message; no new link written", attempt.MessageId, attempt.Kind);
        }
    }

    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            return await work((NpgsqlConnection)db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Exponential backoff with jitter, never sooner than the vendor's Retry-After.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponential = options.FirstRetryDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        var capped = exponential > options.MaxRetryDelay ? options.MaxRetryDelay : exponential;
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return retryAfter is { } after && after > jittered ? after : jittered;
    }
}
