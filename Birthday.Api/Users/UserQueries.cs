using System.Data.Common;
using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Birthday.Api.Users;

/// <summary>
/// Reads users. Single users come from the shared cache (which writes fill), then the primary; lists come from the replica,
/// where a moment's lag is harmless, or from the primary without it.
/// </summary>
/// <remarks>
/// The database contexts are taken from the request's services only when a read needs them: most single-user reads are
/// answered by the cache, and renting pooled contexts for each of those was a measurable part of a cached read.
/// </remarks>
public sealed class UserQueries(IServiceProvider services, UserCache cache, ReplicaAvailability replicaAvailability)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private BirthdayDbContext Primary => services.GetRequiredService<BirthdayDbContext>();

    private ReadOnlyBirthdayDbContext Replica => services.GetRequiredService<ReadOnlyBirthdayDbContext>();

    public ValueTask<UserResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(id, async ct =>
        {
            // Not the replica: a read that misses the cache can follow a write by milliseconds (its entry was dropped after
            // a Redis outage, or Redis could not be asked), and the replica may not have replayed that write yet (a 200
            // with the user as created, right after its 204 DELETE, was seen in the tests).
            var user = await ByIdAsync(Primary, id, ct);
            return user is { IsActive: true } ? UserResponse.From(user) : null;
        }, cancellationToken);

    /// <summary>
    /// The user by its primary key, deleted or not. "Active" is judged here, not in SQL: with <c>deleted_at IS NULL</c> in
    /// the statement, a plan made while the table was nearly empty (a new deployment, the warm-up) can pick the partial
    /// index on active emails and scan all of it for the id, and Postgres keeps that plan for the prepared statement.
    /// </summary>
    internal static Task<Core.Users.User?> ByIdAsync(BirthdayDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);

    public async Task<UserPage> ListAsync(Guid? after, int limit, CancellationToken cancellationToken)
    {
        var users = (await FromReplicaAsync(db => Page(db, after, limit).ToListAsync(cancellationToken)))?.Value
            ?? await Page(Primary, after, limit).ToListAsync(cancellationToken);
        var items = users.Take(limit).Select(UserResponse.From).ToList();
        return new UserPage(items, users.Count > limit ? items[^1].Id.ToString() : null);
    }

    /// <summary>Version 7 ids grow with creation time, so the id is a stable keyset cursor; one row more tells whether a next page exists.</summary>
    private static IQueryable<Core.Users.User> Page(BirthdayDbContext db, Guid? after, int limit)
    {
        var query = db.Users.AsNoTracking().Where(u => u.DeletedAt == null);
        if (after is { } cursor)
        {
            query = query.Where(u => u.Id.CompareTo(cursor) > 0);
        }

        return query.OrderBy(u => u.Id).Take(limit + 1);
    }

    /// <summary>The replica's answer, or null when the replica is down (so the caller asks the primary).</summary>
    private async Task<ReplicaAnswer<T>?> FromReplicaAsync<T>(Func<BirthdayDbContext, Task<T>> read)
    {
        if (!replicaAvailability.ShouldTry)
        {
            return null;
        }

        try
        {
            return new ReplicaAnswer<T>(await read(Replica));
        }
        // Without a retrying strategy EF reports a transient failure (a refused connection) as an InvalidOperationException
        // around the driver's exception.
        catch (Exception ex) when (ex is DbException or TimeoutException || ex.InnerException is DbException or TimeoutException)
        {
            replicaAvailability.Failed(ex);
            return null;
        }
    }

    private sealed record ReplicaAnswer<T>(T Value);

    /// <summary>Whether the user exists (deleted or not), and its messages newest first, from the primary: history must be exact.</summary>
    public async Task<IReadOnlyList<MessageResponse>?> MessagesAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await Primary.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return null;
        }

        var messages = await Primary.Messages.AsNoTracking()
            .Where(m => m.UserId == id)
            .OrderByDescending(m => m.DueAt).ThenByDescending(m => m.CreatedAt)
            .Take(500)
            .ToListAsync(cancellationToken);
        return messages.Select(MessageResponse.From).ToList();
    }
}
