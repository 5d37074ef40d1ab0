using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Birthday.Core.Persistence;

/// <summary>
/// How a write tells the schedulers that a row is due sooner than they would look (<see cref="Messages.DueSoonRule"/>):
/// a Postgres NOTIFY on one channel, sent inside the writing transaction, so it reaches the listeners only once the row
/// is committed and visible to their next claim (and never when the write rolls back).
/// </summary>
public static class DueSoonNotification
{
    /// <summary>The channel the schedulers LISTEN on.</summary>
    public const string Channel = "birthday_messages_due_soon";

    /// <summary>The statement that signals, for a batch or a command of the writer's own.</summary>
    public const string NotifySql = $"SELECT pg_notify('{Channel}', '')";

    /// <summary>Signals within the transaction <paramref name="database"/> has open (or as a statement of its own).</summary>
    public static Task SendAsync(DatabaseFacade database, CancellationToken cancellationToken) =>
        database.ExecuteSqlRawAsync(NotifySql, cancellationToken);

    /// <summary>
    /// A data source for the one long-lived connection a listener holds. Keepalive queries make a connection that died
    /// without a word (a restarted server, a dropped network path) fail within a minute instead of waiting forever for
    /// notifications that can no longer come; nothing is prepared and, as everywhere, nothing is traced outside a unit of work.
    /// </summary>
    public static NpgsqlDataSource CreateListenerDataSource(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 30, Pooling = false, MaxAutoPrepare = 0 };
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        BirthdayDataExtensions.TraceOnlyWithinWork(builder);
        return builder.Build();
    }
}
