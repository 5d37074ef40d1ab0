using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace Birthday.Core.Persistence;

/// <summary>
/// What a service that is starting (or waiting out a database restart) may see while Postgres is not there yet: a
/// connection or command failure, EF's retrying strategy giving up, or EF wrapping the failure. All of them mean
/// "try again shortly", never a reason to crash.
/// </summary>
public static class DatabaseNotReady
{
    public static bool Matches(Exception exception) =>
        exception is DbException or RetryLimitExceededException or InvalidOperationException;
}
