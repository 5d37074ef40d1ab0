using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Npgsql;

namespace Birthday.Api.Users;

/// <summary>
/// Writes users on the primary together with what the change does to their messages, in one transaction:
/// the invariant "one open message per occasion" holds after every commit.
/// </summary>
public sealed class UserStore(BirthdayDbContext db, MessagePlanner planner, UserCache cache, IClock clock)
{
    public async Task<UserWriteResult> CreateAsync(UserChanges changes, UserRequestReader reader, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            FirstName = changes.FirstName.Value,
            LastName = changes.LastName.Value,
            Email = changes.Email.Value,
            TimeZone = changes.TimeZone.Value,
            BirthdayDate = changes.BirthdayDate.Value,
            AnniversaryDate = changes.AnniversaryDate.Value,
            LocationCity = changes.LocationCity.Value,
            LocationCountry = changes.LocationCountry.Value,
            CreatedAt = now,
            UpdatedAt = now,
        };

        reader.CheckCombination(user.TimeZone, user.BirthdayDate, user.AnniversaryDate, now);
        if (reader.HasErrors)
        {
            return UserWriteResult.Invalid(reader.Errors);
        }

        var result = await WriteAsync(async () =>
        {
            // One SaveChanges, one batch: EF inserts the user before its messages (the foreign key orders them).
            db.Users.Add(user);
            db.Messages.AddRange(planner.Plan(before: null, user, [], now).ToCreate);
            await db.SaveChangesAsync(cancellationToken);
            return UserWriteResult.Done(user);
        }, cancellationToken);

        await RememberAsync(result, cancellationToken);
        return result;
    }

    public async Task<UserWriteResult> UpdateAsync(Guid id, UserChanges changes, UserRequestReader reader, CancellationToken cancellationToken)
    {
        var result = await WriteAsync(async () =>
        {
            var user = await LockActiveUserAsync(id, cancellationToken);
            if (user is null)
            {
                return UserWriteResult.NotFound;
            }

            var now = clock.GetCurrentInstant();
            var before = Copy(user);
            user.FirstName = changes.FirstName.Or(user.FirstName);
            user.LastName = changes.LastName.Or(user.LastName);
            user.Email = changes.Email.Or(user.Email);
            user.TimeZone = changes.TimeZone.Or(user.TimeZone);
            user.BirthdayDate = changes.BirthdayDate.Or(user.BirthdayDate);
            user.AnniversaryDate = changes.AnniversaryDate.Or(user.AnniversaryDate);
            user.LocationCity = changes.LocationCity.Or(user.LocationCity);
            user.LocationCountry = changes.LocationCountry.Or(user.LocationCountry);
            user.UpdatedAt = now;

            reader.CheckCombination(user.TimeZone, user.BirthdayDate, user.AnniversaryDate, now);
            if (reader.HasErrors)
            {
                return UserWriteResult.Invalid(reader.Errors);
            }

            await ApplyPlanAsync(before, user, now, cancellationToken);
            return UserWriteResult.Done(user);
        }, cancellationToken);

        await RememberAsync(result, cancellationToken);
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
            var before = Copy(user);
            user.DeletedAt = now;
            user.UpdatedAt = now;
            await ApplyPlanAsync(before, user, now, cancellationToken);
            return UserWriteResult.Done(user);
        }, cancellationToken);

        if (result.Outcome is UserWriteOutcome.Done or UserWriteOutcome.NotFound)
        {
            await cache.ForgetAsync(id, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Runs a write in a transaction under the connection's retry strategy (a retry starts from a clean change tracker),
    /// and turns the active-email index's refusal into <see cref="UserWriteOutcome.EmailTaken"/>: with concurrent creates of
    /// one email, the database lets exactly one win.
    /// </summary>
    /// <remarks>
    /// No savepoints: by default EF sets one before every SaveChanges inside a transaction, two round trips each, so that
    /// a failed SaveChanges could be retried alone. Here a failure abandons the whole transaction (and the strategy
    /// retries all of it), so they would only cost; a profile of creates and updates found them the largest single cost.
    /// </remarks>
    private async Task<UserWriteResult> WriteAsync(Func<Task<UserWriteResult>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                db.Database.AutoSavepointsEnabled = false;
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

    private Task<User?> LockActiveUserAsync(Guid id, CancellationToken cancellationToken) =>
        // FOR UPDATE serialises concurrent changes of one user, so two of them cannot both replace the same open message.
        db.Users.FromSql($"SELECT * FROM users WHERE id = {id} AND deleted_at IS NULL FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);

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
        }
    }

    private async Task RememberAsync(UserWriteResult result, CancellationToken cancellationToken)
    {
        if (result is { Outcome: UserWriteOutcome.Done, User: { } user })
        {
            await cache.RememberAsync(UserResponse.From(user), cancellationToken);
        }
    }

    private static User Copy(User user) => new()
    {
        Id = user.Id,
        FirstName = user.FirstName,
        LastName = user.LastName,
        Email = user.Email,
        TimeZone = user.TimeZone,
        BirthdayDate = user.BirthdayDate,
        AnniversaryDate = user.AnniversaryDate,
        LocationCity = user.LocationCity,
        LocationCountry = user.LocationCountry,
        CreatedAt = user.CreatedAt,
        UpdatedAt = user.UpdatedAt,
        DeletedAt = user.DeletedAt,
    };
}
