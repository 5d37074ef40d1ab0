using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Birthday.Api.Users;

/// <summary>
/// Reads users. Single users come from the shared cache (which writes fill), then the replica, then the primary: the
/// replica may lag the primary by a few milliseconds, so "not on the replica" is confirmed on the primary before it is a 404.
/// Lists come from the replica, where a moment's lag is harmless.
/// </summary>
public sealed class UserQueries(BirthdayDbContext primary, ReadOnlyBirthdayDbContext replica, UserCache cache)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public ValueTask<UserResponse?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(id, async ct =>
        {
            var user = await replica.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id && u.DeletedAt == null, ct)
                ?? await primary.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id && u.DeletedAt == null, ct);
            return user is null ? null : UserResponse.From(user);
        }, cancellationToken);

    public async Task<UserPage> ListAsync(Guid? after, int limit, CancellationToken cancellationToken)
    {
        // Version 7 ids grow with creation time, so the id is a stable keyset cursor.
        var query = replica.Users.AsNoTracking().Where(u => u.DeletedAt == null);
        if (after is { } cursor)
        {
            query = query.Where(u => u.Id.CompareTo(cursor) > 0);
        }

        var users = await query.OrderBy(u => u.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = users.Take(limit).Select(UserResponse.From).ToList();
        return new UserPage(items, users.Count > limit ? items[^1].Id.ToString() : null);
    }

    /// <summary>Whether the user exists (deleted or not), and its messages newest first, from the primary: history must be exact.</summary>
    public async Task<IReadOnlyList<MessageResponse>?> MessagesAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await primary.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return null;
        }

        var messages = await primary.Messages.AsNoTracking()
            .Where(m => m.UserId == id)
            .OrderByDescending(m => m.DueAt).ThenByDescending(m => m.CreatedAt)
            .Take(500)
            .ToListAsync(cancellationToken);
        return messages.Select(MessageResponse.From).ToList();
    }
}
