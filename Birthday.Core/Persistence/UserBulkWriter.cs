using Birthday.Core.Messages;
using Birthday.Core.Users;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Birthday.Core.Persistence;

/// <summary>
/// The bulk path for loading many users at once (an import, a benchmark): binary COPY of the users and of the open
/// messages the planner gives them, instead of one transaction per user. The caller keeps the invariant by passing
/// every user's planned messages. Nothing here wakes the schedulers (<see cref="Messages.DueSoonRule"/>): rows a load makes
/// due within <c>Delivery:IdlePollInterval</c> are claimed at the schedulers' next look. The benchmarks load rows due
/// later and then move the virtual clock, which wakes them.
/// </summary>
public static class UserBulkWriter
{
    public static async Task WriteUsersAsync(NpgsqlConnection connection, IEnumerable<User> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(users);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY users (id, first_name, last_name, email, time_zone, birthday_date, anniversary_date, location_city, location_country, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var user in users)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(user.Id, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(user.FirstName, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(user.LastName, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(user.Email, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(user.TimeZone, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, user.BirthdayDate, NpgsqlDbType.Date, cancellationToken);
            await WriteNullableAsync(import, user.AnniversaryDate, NpgsqlDbType.Date, cancellationToken);
            await WriteNullableAsync(import, user.LocationCity, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, user.LocationCountry, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(user.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(user.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    public static async Task WriteMessagesAsync(NpgsqlConnection connection, IEnumerable<Message> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(messages);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY messages (id, user_id, kind, local_date, due_at, status, attempts, next_attempt_at, idempotency_key, text, email, enqueue_count, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var message in messages)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(message.Id, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(message.UserId, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(message.Kind, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(message.LocalDate, NpgsqlDbType.Date, cancellationToken);
            await import.WriteAsync(message.DueAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(message.Status.ToString(), NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(message.Attempts, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(message.NextAttemptAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(message.IdempotencyKey, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(message.Text, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(message.Email, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(message.EnqueueCount, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(message.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(message.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, LocalDate? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is { } date ? import.WriteAsync(date, type, cancellationToken) : import.WriteNullAsync(cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is not null ? import.WriteAsync(value, type, cancellationToken) : import.WriteNullAsync(cancellationToken);
}
