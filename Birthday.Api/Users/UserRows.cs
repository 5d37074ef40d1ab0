using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using NodaTime;
using Npgsql;

namespace Birthday.Api.Users;

/// <summary>
/// The statements of the users API's writes, in SQL of our own on the connection the caller opened: a user's row and its
/// open messages read in one round trip, and everything a change writes in one more. Through EF Core an update took five
/// round trips (lock, read the messages, save the cancellations, save the replacements, commit) and its change tracking
/// and command pipeline were most of the api's CPU for a write.
/// </summary>
/// <remarks>
/// The column lists name every column EF's model maps (the migrations stay EF's), except <c>email_key</c>, which Postgres
/// computes. Statements run in the order given, so a cancellation reaches the open-row indexes before its replacement.
/// </remarks>
internal static class UserRows
{
    private const string UserColumns =
        "id, first_name, last_name, email, time_zone, birthday_date, anniversary_date, location_city, location_country, created_at, updated_at, deleted_at";

    private const string MessageColumns =
        "id, user_id, kind, local_date, due_at, status, attempts, next_attempt_at, lease_until, idempotency_key, text, email, " +
        "provider_message_id, last_error, sent_at, enqueue_count, trace_parent, created_at, updated_at";

    // FOR UPDATE serialises concurrent changes of one user, so two of them cannot both replace the same open message. Only
    // the primary key is in the statement: with deleted_at IS NULL beside it, a plan cached while the table was nearly
    // empty scanned the whole active-email index on every update and delete (UserQueries.ByIdAsync says more).
    private const string LockUserSql = $"SELECT {UserColumns} FROM users WHERE id = $1 FOR UPDATE";

    // A statement of its own after the lock, not a join with it: under READ COMMITTED each statement reads a new snapshot,
    // so this one, run once the lock is held, sees the messages of a change that committed while this one waited for it.
    private const string OpenMessagesSql = $"SELECT {MessageColumns} FROM messages WHERE user_id = $1 AND status IN ('Pending', 'Enqueued', 'Sending')";

    private const string InsertUserSql =
        $"INSERT INTO users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

    private const string UpdateUserSql = """
        UPDATE users SET first_name = $2, last_name = $3, email = $4, time_zone = $5, birthday_date = $6, anniversary_date = $7,
                         location_city = $8, location_country = $9, updated_at = $10, deleted_at = $11
        WHERE id = $1
        """;

    private const string InsertMessageSql =
        $"INSERT INTO messages ({MessageColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

    private const string CancelMessageSql = "UPDATE messages SET status = $2, lease_until = $3, updated_at = $4 WHERE id = $1";

    private const string RefreshMessageSql = "UPDATE messages SET text = $2, email = $3, updated_at = $4 WHERE id = $1";

    /// <summary>The user locked for this transaction (deleted or not; null when there is no such row) and its open messages.</summary>
    public static async Task<(User? User, List<Message> OpenMessages)> LockWithOpenMessagesAsync(
        NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(LockUserSql) { Parameters = { Value(id) } },
                new NpgsqlBatchCommand(OpenMessagesSql) { Parameters = { Value(id) } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var user = await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var open = new List<Message>(2);
        while (await reader.ReadAsync(cancellationToken))
        {
            open.Add(ReadMessage(reader));
        }

        return (user, open);
    }

    /// <summary>
    /// Runs <paramref name="commands"/> in one round trip. Outside a transaction Postgres runs them as one implicit
    /// transaction (Npgsql ends the batch with a single Sync): all of them are stored, or none.
    /// </summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static NpgsqlBatchCommand Insert(User user) => new(InsertUserSql)
    {
        Parameters =
        {
            Value(user.Id), Value(user.FirstName), Value(user.LastName), Value(user.Email), Value(user.TimeZone),
            Value(user.BirthdayDate), Value(user.AnniversaryDate), Value(user.LocationCity), Value(user.LocationCountry),
            Value(user.CreatedAt), Value(user.UpdatedAt), Value(user.DeletedAt),
        },
    };

    public static NpgsqlBatchCommand Update(User user) => new(UpdateUserSql)
    {
        Parameters =
        {
            Value(user.Id), Value(user.FirstName), Value(user.LastName), Value(user.Email), Value(user.TimeZone),
            Value(user.BirthdayDate), Value(user.AnniversaryDate), Value(user.LocationCity), Value(user.LocationCountry),
            Value(user.UpdatedAt), Value(user.DeletedAt),
        },
    };

    public static NpgsqlBatchCommand Insert(Message message) => new(InsertMessageSql)
    {
        Parameters =
        {
            Value(message.Id), Value(message.UserId), Value(message.Kind), Value(message.LocalDate), Value(message.DueAt),
            Value(message.Status.ToString()), Value(message.Attempts), Value(message.NextAttemptAt), Value(message.LeaseUntil),
            Value(message.IdempotencyKey), Value(message.Text), Value(message.Email), Value(message.ProviderMessageId),
            Value(message.LastError), Value(message.SentAt), Value(message.EnqueueCount), Value(message.TraceParent),
            Value(message.CreatedAt), Value(message.UpdatedAt),
        },
    };

    /// <summary>What a plan does to the messages, in order: cancellations first, then the texts refreshed, then the replacements.</summary>
    public static IEnumerable<NpgsqlBatchCommand> Apply(MessagePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var message in plan.ToCancel)
        {
            yield return new NpgsqlBatchCommand(CancelMessageSql)
            {
                Parameters = { Value(message.Id), Value(message.Status.ToString()), Value(message.LeaseUntil), Value(message.UpdatedAt) },
            };
        }

        foreach (var message in plan.ToRefresh)
        {
            yield return new NpgsqlBatchCommand(RefreshMessageSql)
            {
                Parameters = { Value(message.Id), Value(message.Text), Value(message.Email), Value(message.UpdatedAt) },
            };
        }

        foreach (var message in plan.ToCreate)
        {
            yield return Insert(message);
        }
    }

    /// <summary>The schedulers' wake-up (<see cref="DueSoonNotification"/>): inside the write's transaction, heard once it commits.</summary>
    public static NpgsqlBatchCommand WakeSchedulers() => new(DueSoonNotification.NotifySql);

    private static User ReadUser(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        FirstName = reader.GetString(1),
        LastName = reader.GetString(2),
        Email = reader.GetString(3),
        TimeZone = reader.GetString(4),
        BirthdayDate = Nullable<LocalDate>(reader, 5),
        AnniversaryDate = Nullable<LocalDate>(reader, 6),
        LocationCity = reader.IsDBNull(7) ? null : reader.GetString(7),
        LocationCountry = reader.IsDBNull(8) ? null : reader.GetString(8),
        CreatedAt = reader.GetFieldValue<Instant>(9),
        UpdatedAt = reader.GetFieldValue<Instant>(10),
        DeletedAt = Nullable<Instant>(reader, 11),
    };

    private static Message ReadMessage(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        UserId = reader.GetGuid(1),
        Kind = reader.GetString(2),
        LocalDate = reader.GetFieldValue<LocalDate>(3),
        DueAt = reader.GetFieldValue<Instant>(4),
        Status = Enum.Parse<MessageStatus>(reader.GetString(5)),
        Attempts = reader.GetInt32(6),
        NextAttemptAt = reader.GetFieldValue<Instant>(7),
        LeaseUntil = Nullable<Instant>(reader, 8),
        IdempotencyKey = reader.GetString(9),
        Text = reader.GetString(10),
        Email = reader.GetString(11),
        ProviderMessageId = reader.IsDBNull(12) ? null : reader.GetString(12),
        LastError = reader.IsDBNull(13) ? null : reader.GetString(13),
        SentAt = Nullable<Instant>(reader, 14),
        EnqueueCount = reader.GetInt32(15),
        TraceParent = reader.IsDBNull(16) ? null : reader.GetString(16),
        CreatedAt = reader.GetFieldValue<Instant>(17),
        UpdatedAt = reader.GetFieldValue<Instant>(18),
    };

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    /// <summary>
    /// A positional parameter typed by its CLR type, null or not (Npgsql sends a null as SQL NULL of that type): a column
    /// that is sometimes null keeps one parameter type, so the statement stays prepared once.
    /// </summary>
    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };
}
