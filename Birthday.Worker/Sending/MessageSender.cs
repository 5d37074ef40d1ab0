using System.Diagnostics;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace Birthday.Worker.Sending;

/// <summary>
/// Delivers one message: takes the row with a compare-and-set (Enqueued → Sending, with a lease), sends its stored text
/// with its idempotency key, and records the outcome — Sent, Failed, or Pending again with a later next attempt — in one
/// transaction that also writes the user's next occurrence. A stale or duplicate queue message finds nothing to take.
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
        WHERE m.id = @id AND u.id = m.user_id
          AND (m.status = 'Enqueued' OR (m.status = 'Pending' AND m.next_attempt_at <= @now))
          AND m.due_at <= @now
        RETURNING m.user_id, m.kind, m.local_date, m.due_at, m.email, m.text, m.idempotency_key, m.attempts, u.deleted_at IS NULL
        """;

    public async Task<SendOutcomeKind?> DeliverAsync(Guid messageId, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("deliver message");
        activity?.SetTag("birthday.message_id", messageId);

        var attempt = await TakeAsync(messageId, cancellationToken);
        if (attempt is null)
        {
            metrics.Skipped();
            return null; // already sent, cancelled, or someone else holds it
        }

        activity?.SetTag("birthday.kind", attempt.Kind);
        if (!attempt.UserIsActive)
        {
            await RecordAsync(attempt, SendOutcome.Permanent("the user was deleted"), cancel: true, cancellationToken);
            return SendOutcomeKind.Permanent;
        }

        var outcome = await email.SendAsync(attempt.Email, attempt.Text, attempt.IdempotencyKey, cancellationToken);
        await RecordAsync(attempt, outcome, cancel: false, cancellationToken);
        return outcome.Kind;
    }

    private async Task<DeliveryAttempt?> TakeAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(TakeSql, connection);
            command.Parameters.AddWithValue("id", messageId);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("lease_until", now + Duration.FromTimeSpan(delivery.Value.SendingLease));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new DeliveryAttempt(messageId, reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<LocalDate>(2),
                reader.GetFieldValue<Instant>(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetBoolean(8));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task RecordAsync(DeliveryAttempt attempt, SendOutcome outcome, bool cancel, CancellationToken cancellationToken)
    {
        var options = delivery.Value;
        var attempts = attempt.Attempts + (outcome.ReachedVendor && !cancel ? 1 : 0);
        var status = cancel ? MessageStatus.Cancelled
            : outcome.Kind == SendOutcomeKind.Delivered ? MessageStatus.Sent
            : outcome.Kind == SendOutcomeKind.Permanent || attempts >= options.MaxAttempts ? MessageStatus.Failed
            : MessageStatus.Pending;
        var error = status == MessageStatus.Failed && outcome.Kind == SendOutcomeKind.Transient
            ? $"retry budget spent after {attempts} attempts; last: {outcome.Error}"
            : outcome.Error;

        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetCurrentInstant();

            // Locking the user serialises this with the api's changes to it, so the chain link written here and one the
            // api writes for a changed date can never both exist.
            var user = await db.Users.FromSql($"SELECT * FROM users WHERE id = {attempt.UserId} FOR UPDATE").SingleAsync(ct);
            var message = await db.Messages.SingleAsync(m => m.Id == attempt.MessageId, ct);
            if (message.Status != MessageStatus.Sending)
            {
                // The user changed while we sent (the row was cancelled and replaced): the replacement carries on.
                logger.LogWarning("Message {MessageId} became {Status} while being sent; outcome {Outcome} kept in the log only",
                    message.Id, message.Status, outcome.Kind);
                return;
            }

            message.Status = status;
            message.Attempts = attempts;
            message.LeaseUntil = null;
            message.LastError = error;
            message.UpdatedAt = now;
            if (status == MessageStatus.Sent)
            {
                message.SentAt = now;
                message.ProviderMessageId = outcome.ProviderMessageId;
            }
            else if (status == MessageStatus.Pending)
            {
                message.NextAttemptAt = now + Duration.FromTimeSpan(RetryDelay(attempts, outcome.RetryAfter, options));
            }

            await db.SaveChangesAsync(ct);
            if (status is MessageStatus.Sent or MessageStatus.Failed
                && !await db.Messages.AnyAsync(m => m.UserId == user.Id && m.Kind == message.Kind && Message.OpenStatuses.Contains(m.Status), ct)
                && chain.Next(user, message, now, Duration.FromTimeSpan(options.Lateness)) is { } next)
            {
                db.Messages.Add(next);
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
            metrics.Recorded(status, outcome, now - attempt.DueAt);
        }, cancellationToken);
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
