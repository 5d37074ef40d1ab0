using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace Birthday.Api.Users;

/// <summary>
/// Writes users on the primary together with what the change does to their messages, in one transaction:
/// the invariant "one open message per occasion" holds after every commit. It takes changes already read from the
/// request; the rules across fields are checked by the changes themselves on the user they produce (for an update, the
/// stored user locked in this transaction), and a refusal comes back as an outcome like any other.
/// </summary>
public sealed class UserStore(BirthdayDbContext db, MessagePlanner planner, UserCache cache, IClock clock, IOptions<DeliveryOptions> delivery)
{
    public async Task<UserWriteResult> CreateAsync(UserChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var now = clock.GetCurrentInstant();
        if (!changes.TryCreate(Guid.CreateVersion7(), now, out var user, out var errors))
        {
            return UserWriteResult.Invalid(errors);
        }

        var result = await WriteAsync(async () =>
        {
            // One SaveChanges, one batch: EF inserts the user before its messages (the foreign key orders them), and
            // Postgres runs the batch as one implicit transaction (Npgsql ends it with a single Sync), so a create is one
            // round trip with no BEGIN or COMMIT of its own: all of it is stored, or none.
            db.Users.Add(user);
            var created = planner.Plan(before: null, user, [], now).ToCreate;
            db.Messages.AddRange(created);
            await db.SaveChangesAsync(cancellationToken);
            // After the commit, as NOTIFY inside a transaction would be sent.
            await WakeSchedulersIfDueSoonAsync(created, now, cancellationToken);
            return UserWriteResult.Saved(UserResponse.From(user));
        }, inOneBatch: true, cancellationToken);

        if (result is { Outcome: UserWriteOutcome.Done, User: { } created })
        {
            await cache.RememberCreatedAsync(created);
        }

        return result;
    }

    public async Task<UserWriteResult> UpdateAsync(Guid id, UserChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var result = await WriteAsync(async () =>
        {
            var user = await LockActiveUserAsync(id, cancellationToken);
            if (user is null)
            {
                return UserWriteResult.NotFound;
            }

            var now = clock.GetCurrentInstant();
            var before = user.Snapshot();
            if (!changes.TryApplyTo(user, now, out var errors))
            {
                return UserWriteResult.Invalid(errors);
            }

            await ApplyPlanAsync(before, user, now, cancellationToken);
            return UserWriteResult.Saved(UserResponse.From(user));
        }, inOneBatch: false, cancellationToken);

        await RememberAsync(result);
        return result;
    }

    public async Task<UserWriteResult> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await WriteAsync(async () =>
        {
            var user = await LockActiveUserAsync(id, cancellationToken);
            if (user is null)
            {
                return UserWriteResult.NotFound;
            }

            var now = clock.GetCurrentInstant();
            var before = user.Snapshot();
            user.DeletedAt = now;
            user.UpdatedAt = now;
            await ApplyPlanAsync(before, user, now, cancellationToken);
            return UserWriteResult.Deleted;
        }, inOneBatch: false, cancellationToken);

        if (result.Outcome is UserWriteOutcome.Done or UserWriteOutcome.NotFound)
        {
            await cache.ForgetAsync(id);
        }

        return result;
    }

    /// <summary>
    /// Runs a write under the connection's retry strategy (a retry starts from a clean change tracker), in a transaction
    /// unless it is <paramref name="inOneBatch"/> (a single SaveChanges, atomic as it is), and turns the active-email index's
    /// refusal into <see cref="UserWriteOutcome.EmailTaken"/>: with concurrent creates of one email, the database lets
    /// exactly one win.
    /// </summary>
    /// <remarks>
    /// No savepoints: by default EF sets one before every SaveChanges inside a transaction, two round trips each, so that
    /// a failed SaveChanges could be retried alone. Here a failure abandons the whole transaction (and the strategy
    /// retries all of it), so they would only cost; a profile of creates and updates found them the largest single cost.
    /// </remarks>
    private async Task<UserWriteResult> WriteAsync(Func<Task<UserWriteResult>> write, bool inOneBatch, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                db.Database.AutoSavepointsEnabled = false;
                db.Database.AutoTransactionBehavior = inOneBatch ? AutoTransactionBehavior.Never : AutoTransactionBehavior.WhenNeeded;
                if (inOneBatch)
                {
                    return await write();
                }

                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var result = await write();
                if (result.Outcome == UserWriteOutcome.Done)
                {
                    await transaction.CommitAsync(ct);
                }

                return result;
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DatabaseConstraints.ActiveEmailIndex })
        {
            return UserWriteResult.EmailTaken;
        }
    }

    /// <remarks>
    /// FOR UPDATE serialises concurrent changes of one user, so two of them cannot both replace the same open message.
    /// Only the primary key is in the statement (see <see cref="UserQueries.ByIdAsync"/>): with <c>deleted_at IS NULL</c>
    /// beside it, a plan cached while the table was nearly empty scanned the whole active-email index on every update
    /// and delete, and most of Postgres's time under the CRUD benchmark went there.
    /// </remarks>
    private async Task<User?> LockActiveUserAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.FromSql($"SELECT * FROM users WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        return user is { IsActive: true } ? user : null;
    }

    private async Task ApplyPlanAsync(User before, User after, Instant now, CancellationToken cancellationToken)
    {
        var open = await db.Messages
            .Where(m => m.UserId == after.Id && Message.OpenStatuses.Contains(m.Status))
            .ToListAsync(cancellationToken);
        var plan = planner.Plan(before, after, open, now);

        // Cancellations are saved before the replacements are inserted: both indexes on open rows must see the old row go first.
        await db.SaveChangesAsync(cancellationToken);
        if (plan.ToCreate.Count > 0)
        {
            db.Messages.AddRange(plan.ToCreate);
            await db.SaveChangesAsync(cancellationToken);
            await WakeSchedulersIfDueSoonAsync(plan.ToCreate, now, cancellationToken);
        }
    }

    /// <summary>
    /// A user created or changed just before today's send time gets today's message, due within seconds: the schedulers,
    /// asleep until the next row they knew of, hear of it when this transaction commits (<see cref="DueSoonRule"/>).
    /// </summary>
    private async Task WakeSchedulersIfDueSoonAsync(IReadOnlyList<Message> created, Instant now, CancellationToken cancellationToken)
    {
        if (DueSoonRule.AnyDueSoon(created, now, delivery.Value))
        {
            await DueSoonNotification.SendAsync(db.Database, cancellationToken);
        }
    }

    private async Task RememberAsync(UserWriteResult result)
    {
        if (result is { Outcome: UserWriteOutcome.Done, User: { } user })
        {
            await cache.RememberAsync(user);
        }
    }
}
