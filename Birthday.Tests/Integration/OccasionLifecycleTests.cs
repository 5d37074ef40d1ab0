using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>What a user's changes do to their pending messages: each rule of the handbook's §3–§4 as a user would notice it.</summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class OccasionLifecycleTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _http = application.CreateGatewayClient();
    private UsersApiClient Api => new(_http);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_user_created_before_0900_local_on_their_birthday_gets_todays_message()
    {
        var (zone, today) = await ZoneWhereLocalTimeIsBetweenAsync(new LocalTime(1, 0), new LocalTime(7, 30));
        var user = await Api.CreateAsync(NewUser(timezone: zone.Id, birthday: Iso(today.PlusYears(-30))));

        var pending = Single(await Api.MessagesAsync(Id(user)), "Pending");

        Assert.Equal(Iso(today), pending.GetProperty("localDate").GetString());
        Assert.Equal(Instant(today.At(new LocalTime(9, 0)).InZoneStrictly(zone)), pending.GetProperty("dueAt").GetString());
        Assert.Equal("birthday", pending.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_user_created_after_0900_local_on_their_birthday_gets_next_years_message()
    {
        var (zone, today) = await ZoneWhereLocalTimeIsBetweenAsync(new LocalTime(10, 0), new LocalTime(22, 0));
        var user = await Api.CreateAsync(NewUser(timezone: zone.Id, birthday: Iso(today.PlusYears(-30))));

        var pending = Single(await Api.MessagesAsync(Id(user)), "Pending");

        var nextYear = today.PlusYears(1);
        Assert.Equal(Iso(nextYear), pending.GetProperty("localDate").GetString());
    }

    [Fact]
    public async Task Changing_the_time_zone_replaces_the_pending_message_even_when_the_local_date_stays()
    {
        var user = await Api.CreateAsync(NewUser(timezone: "Europe/Paris", birthday: "1985-08-20"));
        var before = Single(await Api.MessagesAsync(Id(user)), "Pending");

        await Api.UpdateAsync(Id(user), new JsonObject { ["timezone"] = "Australia/Melbourne" });
        var messages = await Api.MessagesAsync(Id(user));

        var cancelled = Single(messages, "Cancelled");
        var pending = Single(messages, "Pending");
        Assert.Equal(before.GetProperty("id").GetString(), cancelled.GetProperty("id").GetString());
        Assert.Equal(before.GetProperty("localDate").GetString(), pending.GetProperty("localDate").GetString());
        var melbourne = DateTimeZoneProviders.Tzdb["Australia/Melbourne"];
        var localDate = LocalDatePattern.Iso.Parse(pending.GetProperty("localDate").GetString()!).Value;
        Assert.Equal(Instant(localDate.At(new LocalTime(9, 0)).InZoneStrictly(melbourne)), pending.GetProperty("dueAt").GetString());
        Assert.NotEqual(before.GetProperty("dueAt").GetString(), pending.GetProperty("dueAt").GetString());
    }

    [Fact]
    public async Task Changing_a_date_replaces_that_occasions_message_only()
    {
        var user = await Api.CreateAsync(NewUser(birthday: "1985-08-20", anniversary: "2010-02-03"));
        var anniversaryBefore = Single(await Api.MessagesAsync(Id(user)), "Pending", "anniversary");

        await Api.UpdateAsync(Id(user), new JsonObject { ["birthdayDate"] = "1985-08-21" });
        var messages = await Api.MessagesAsync(Id(user));

        Assert.EndsWith("-08-21", Single(messages, "Pending", "birthday").GetProperty("localDate").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("-08-20", Single(messages, "Cancelled", "birthday").GetProperty("localDate").GetString(), StringComparison.Ordinal);
        Assert.Equal(anniversaryBefore.GetProperty("id").GetString(), Single(messages, "Pending", "anniversary").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Without_dates_there_is_no_message_setting_one_creates_it_and_clearing_it_cancels_it()
    {
        var user = await Api.CreateAsync(NewUser(birthday: null));
        Assert.Empty(await Api.MessagesAsync(Id(user)));

        await Api.UpdateAsync(Id(user), new JsonObject { ["anniversaryDate"] = "2019-06-30" });
        var created = Single(await Api.MessagesAsync(Id(user)), "Pending", "anniversary");

        await Api.UpdateAsync(Id(user), new JsonObject { ["anniversaryDate"] = null });
        var cancelled = Single(await Api.MessagesAsync(Id(user)), "Cancelled", "anniversary");
        Assert.Equal(created.GetProperty("id").GetString(), cancelled.GetProperty("id").GetString());
        Assert.DoesNotContain(await Api.MessagesAsync(Id(user)), m => m.GetProperty("status").GetString() == "Pending");
    }

    [Fact]
    public async Task Deleting_a_user_cancels_every_pending_message()
    {
        var user = await Api.CreateAsync(NewUser(birthday: "1970-01-01", anniversary: "2000-01-01"));
        Assert.Equal(2, (await Api.MessagesAsync(Id(user))).Count(m => m.GetProperty("status").GetString() == "Pending"));

        using var deleted = await Api.DeleteAsync(Id(user));
        var messages = await Api.MessagesAsync(Id(user));

        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("Cancelled", m.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_birthday_and_an_anniversary_on_the_same_day_are_two_messages_with_two_keys()
    {
        var user = await Api.CreateAsync(NewUser(birthday: "1990-09-09", anniversary: "2015-09-09"));

        var messages = await Api.MessagesAsync(Id(user));

        Assert.Equal(2, messages.Count);
        Assert.Equal(messages[0].GetProperty("localDate").GetString(), messages[1].GetProperty("localDate").GetString());
        Assert.Equal(["anniversary", "birthday"], messages.Select(m => m.GetProperty("kind").GetString()).Order());
        var keys = await IdempotencyKeysAsync(Id(user));
        Assert.Equal(2, keys.Distinct().Count());
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("Sent")]
    public async Task The_database_refuses_a_second_live_row_for_an_occurrence(string existingStatus)
    {
        // Whatever writes rows (the api, a worker chaining next year's, a bulk load), an occurrence that has an open or a
        // sent row cannot get another live one: that would be a second message for the same day.
        var user = await Api.CreateAsync(NewUser(birthday: "1990-09-09"));
        await using var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using (var mark = new NpgsqlCommand("UPDATE messages SET status = @status WHERE user_id = @id", connection))
        {
            mark.Parameters.AddWithValue("status", existingStatus);
            mark.Parameters.AddWithValue("id", Guid.Parse(Id(user)));
            Assert.Equal(1, await mark.ExecuteNonQueryAsync());
        }

        await using var copy = new NpgsqlCommand(
            """
            INSERT INTO messages (id, user_id, kind, local_date, due_at, status, attempts, next_attempt_at, idempotency_key,
                                  text, email, enqueue_count, created_at, updated_at)
            SELECT gen_random_uuid(), user_id, kind, local_date, due_at, 'Pending', 0, due_at, idempotency_key,
                   text, email, 0, created_at, updated_at
            FROM messages WHERE user_id = @id
            """, connection);
        copy.Parameters.AddWithValue("id", Guid.Parse(Id(user)));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => copy.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal("ix_messages_idempotency_key", refused.ConstraintName);
    }

    [Fact]
    public async Task A_name_change_rewrites_the_pending_text_in_place()
    {
        var user = await Api.CreateAsync(NewUser());
        var before = Single(await Api.MessagesAsync(Id(user)), "Pending");

        await Api.UpdateAsync(Id(user), new JsonObject { ["firstName"] = "Grace", ["lastName"] = "Hopper" });

        var after = Single(await Api.MessagesAsync(Id(user)), "Pending");
        Assert.Equal(before.GetProperty("id").GetString(), after.GetProperty("id").GetString());
        Assert.Equal(["Hey, Grace Hopper it's your birthday"], await TextsAsync(Id(user)));
    }

    private static string Id(JsonElement user) => user.GetProperty("id").GetString()!;

    private static JsonElement Single(IReadOnlyList<JsonElement> messages, string status, string kind = "birthday")
    {
        var matching = messages.Where(m => m.GetProperty("status").GetString() == status && m.GetProperty("kind").GetString() == kind).ToList();
        Assert.True(matching.Count == 1,
            $"expected one {status} {kind} message, got {matching.Count}: {string.Join(" | ", messages.Select(m => m.ToString()))}");
        return matching[0];
    }

    private static string Iso(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    private static string Instant(ZonedDateTime time) => InstantPattern.ExtendedIso.Format(time.ToInstant());

    /// <summary>A real zone whose local time (in the application's virtual time) lies in the window, so "today before/after 09:00" needs no clock control.</summary>
    private async Task<(DateTimeZone Zone, LocalDate Today)> ZoneWhereLocalTimeIsBetweenAsync(LocalTime from, LocalTime to)
    {
        var now = await new VirtualTime(application).NowAsync();
        foreach (var id in DateTimeZoneProviders.Tzdb.Ids)
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            var local = now.InZone(zone);
            // 29 February would fall on 28 February next year: keep the test about the hour, not the leap rule.
            if (local.TimeOfDay >= from && local.TimeOfDay <= to && local.Date is not { Month: 2, Day: 29 } && local.Date.PlusYears(-30).Day == local.Day)
            {
                return (zone, local.Date);
            }
        }

        throw new InvalidOperationException($"no zone has a local time between {from} and {to} now");
    }

    private async Task<List<string>> IdempotencyKeysAsync(string userId) =>
        await ColumnAsync("SELECT idempotency_key FROM messages WHERE user_id = @id", userId);

    private async Task<List<string>> TextsAsync(string userId) =>
        await ColumnAsync("SELECT text FROM messages WHERE user_id = @id AND status = 'Pending'", userId);

    private async Task<List<string>> ColumnAsync(string sql, string userId)
    {
        await using var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", Guid.Parse(userId));
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
