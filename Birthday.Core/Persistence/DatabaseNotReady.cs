using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace Birthday.Core.Persistence;

/// <summary>
/// What a service that is starting (or waiting out a database restart) may see while Postgres is not there yet, all of
/// which mean "try again shortly", never a reason to crash: the driver's failure to connect or to run a command
/// (<see cref="DbException"/>: refused, timed out, "the database system is starting up"); EF's retrying strategy giving
/// up on such failures (<see cref="RetryLimitExceededException"/>); and, where no retrying strategy runs, EF's
/// "likely due to a transient failure" <see cref="InvalidOperationException"/> around the driver's exception or timeout.
/// Any other <see cref="InvalidOperationException"/> is a fault of the code or its settings, and is not waited out.
/// </summary>
public static class DatabaseNotReady
{
    public static bool Matches(Exception exception) =>
        exception is DbException or RetryLimitExceededException
        || exception is InvalidOperationException { InnerException: DbException or TimeoutException };
}
