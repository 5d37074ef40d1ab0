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
/// <remarks>
/// A create is one round trip, an update or delete three (lock and read, write, commit): the statements are
/// <see cref="UserRows"/>', on the connection of the primary's <see cref="BirthdayDbContext"/> and under its retry strategy.
/// </remarks>
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

        var created = planner.Plan(before: null, user, [], now).ToCreate;
        var result = await WriteAsync(async (connection, ct) =>
        {
            // No BEGIN or COMMIT of its own: Postgres runs the batch as one implicit transaction, so the user and its
            // messages are all stored, or none.
            await UserRows.ExecuteAsync(connection, [UserRows.Insert(user), .. created.Select(UserRows.Insert), .. WakeSchedulersIfDueSoon(created, now)], ct);
            return UserWriteResult.Saved(UserResponse.From(user));
        }, inTransaction: false, cancellationToken);

        if (result is { Outcome: UserWriteOutcome.Done, User: { } saved })
        {
            await cache.RememberCreatedAsync(saved);
        }

        return result;
    }

    public async Task<UserWriteResult> UpdateAsync(Guid id, UserChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var result = await WriteAsync(async (connection, ct) =>
        {
            var (user, open) = await UserRows.LockWithOpenMessagesAsync(connection, id, ct);
            if (user is not { IsActive: true })
            {
                return UserWriteResult.NotFound;
            }

            var now = clock.GetCurrentInstant();
            var before = user.Snapshot();
            if (!changes.TryApplyTo(user, now, out var errors))
            {
                return UserWriteResult.Invalid(errors);
            }

            await SaveAsync(connection, before, user, open, now, ct);
            return UserWriteResult.Saved(UserResponse.From(user));
        }, inTransaction: true, cancellationToken);

        if (result is { Outcome: UserWriteOutcome.Done, User: { } saved })
        {
            await cache.RememberAsync(saved);
        }

        return result;
    }

    public async Task<UserWriteResult> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await WriteAsync(async (connection, ct) =>
        {
            var (user, open) = await UserRows.LockWithOpenMessagesAsync(connection, id, ct);
            if (user is not { IsActive: true })
            {
                return UserWriteResult.NotFound;
            }

            var now = clock.GetCurrentInstant();
            var before = user.Snapshot();
            user.DeletedAt = now;
            user.UpdatedAt = now;
            await SaveAsync(connection, before, user, open, now, ct);
            return UserWriteResult.Deleted;
        }, inTransaction: true, cancellationToken);

        if (result.Outcome is UserWriteOutcome.Done or UserWriteOutcome.NotFound)
        {
            await cache.ForgetAsync(id);
        }

        return result;
    }

    /// <summary>
    /// Runs a write on the primary's connection under its retry strategy (a retry runs all of it again), in a transaction
    /// when it reads before it writes (committed only when the write is done), and turns the active-email index's refusal
    /// into <see cref="UserWriteOutcome.EmailTaken"/>: with concurrent writes of one email, the database lets exactly one win.
    /// </summary>
    private async Task<UserWriteResult> WriteAsync(
        Func<NpgsqlConnection, CancellationToken, Task<UserWriteResult>> write, bool inTransaction, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(ct => db.Database.WithOpenConnectionAsync(async connection =>
            {
                if (!inTransaction)
                {
                    return await write(connection, ct);
                }

                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await write(connection, ct);
                if (result.Outcome == UserWriteOutcome.Done)
                {
                    await transaction.CommitAsync(ct);
                }

                return result;
            }, ct), cancellationToken);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DatabaseConstraints.ActiveEmailIndex })
        {
            return UserWriteResult.EmailTaken;
        }
    }

    /// <summary>The changed user and what the change does to its messages, in one round trip inside the lock's transaction.</summary>
    private Task SaveAsync(NpgsqlConnection connection, User before, User after, IReadOnlyCollection<Message> open, Instant now, CancellationToken cancellationToken)
    {
        var plan = planner.Plan(before, after, open, now);
        return UserRows.ExecuteAsync(connection, [UserRows.Update(after), .. UserRows.Apply(plan), .. WakeSchedulersIfDueSoon(plan.ToCreate, now)], cancellationToken);
    }

    /// <summary>
    /// A user created or changed just before today's send time gets today's message, due within seconds: the schedulers,
    /// asleep until the next row they knew of, hear of it when this write commits (<see cref="DueSoonRule"/>).
    /// </summary>
    private IEnumerable<NpgsqlBatchCommand> WakeSchedulersIfDueSoon(IReadOnlyList<Message> created, Instant now) =>
        DueSoonRule.AnyDueSoon(created, now, delivery.Value) ? [UserRows.WakeSchedulers()] : [];
}
