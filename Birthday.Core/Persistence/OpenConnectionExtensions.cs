using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Birthday.Core.Persistence;

/// <summary>SQL of our own on a context's connection: opened through EF, so EF's bookkeeping and its retry strategy still hold.</summary>
public static class OpenConnectionExtensions
{
    /// <summary>Runs <paramref name="work"/> on the context's connection, opened for it and closed (back to the pool) after.</summary>
    public static async Task<T> WithOpenConnectionAsync<T>(this DatabaseFacade database, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(work);
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await work((NpgsqlConnection)database.GetDbConnection());
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <inheritdoc cref="WithOpenConnectionAsync{T}"/>
    public static Task WithOpenConnectionAsync(this DatabaseFacade database, Func<NpgsqlConnection, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return database.WithOpenConnectionAsync(async connection =>
        {
            await work(connection);
            return true;
        }, cancellationToken);
    }
}
