using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// Delivery end to end, in the application's virtual time: each test creates users whose 09:00 is just ahead, moves the
/// whole application's clock to just before it, and watches what the email service receives.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class DeliveryTests(BirthdayApplication application) : DeliveryTestBase(application)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Melbourne_Auckland_and_Honolulu_are_each_delivered_at_their_own_0900_never_before()
    {
        var date = (await Time.NowAsync()).InUtc().Date.PlusDays(3);
        var birthday = new LocalDate(1990, date.Month, date.Day);
        var users = new List<(string Zone, string Email, Instant DueAt)>();
        foreach (var zone in new[] { "Australia/Melbourne", "Pacific/Auckland", "Pacific/Honolulu" })
        {
            var email = UniqueEmail(zone.Replace('/', '-'));
            await Api.CreateAsync(NewUser(timezone: zone, birthday: Iso(birthday), email: email));
            users.Add((zone, email, NineAmOn(date, zone)));
        }

        foreach (var user in users.OrderBy(u => u.DueAt))
        {
            await Time.AdvanceToAsync(user.DueAt - Duration.FromSeconds(3));
            Assert.Empty(await Simulator.SentToAsync(user.Email)); // two seconds before 09:00 local: nothing yet

            var sent = await WaitForSentAsync(user.Email);
            var sentAt = InstantPattern.ExtendedIso.Parse(sent.GetProperty("sentAt").GetString()!).Value;
            Assert.True(sentAt >= user.DueAt, $"{user.Zone}: sent at {sentAt}, before its 09:00 local ({user.DueAt})");
            Assert.True(sentAt - user.DueAt < Duration.FromSeconds(15), $"{user.Zone}: sent at {sentAt}, long after {user.DueAt}");
        }

        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task One_trace_runs_from_the_request_that_created_the_user_to_the_call_that_sent_the_email()
    {
        var date = (await Time.NowAsync()).InUtc().Date.PlusDays(3);
        var email = UniqueEmail("traced");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/users", UriKind.Relative))
        {
            Content = JsonContent.Create(NewUser(timezone: "Asia/Tokyo", birthday: Iso(new LocalDate(1985, date.Month, date.Day)), email: email)),
        };
        create.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using (var created = await Gateway.SendAsync(create))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await Time.AdvanceToAsync(NineAmOn(date, "Asia/Tokyo") - Duration.FromSeconds(1));
        await WaitForSentAsync(email);

        // The vendor's call carries the caller's trace: gateway → api → the stored message → worker → email call.
        var received = Assert.Single(await Simulator.SentToAsync(email));
        var traceParent = received.GetProperty("traceParent").GetString();
        Assert.NotNull(traceParent);
        Assert.Equal(traceId, traceParent.Split('-')[1]);
    }

    [Fact]
    public async Task A_29_February_birthday_is_delivered_on_28_February_in_a_common_year()
    {
        var now = await Time.NowAsync();
        var email = UniqueEmail("leap");
        var user = await Api.CreateAsync(NewUser(timezone: "America/Chicago", birthday: "2000-02-29", email: email));
        var pending = (await Api.MessagesAsync(Id(user))).Single();
        var localDate = LocalDatePattern.Iso.Parse(pending.GetProperty("localDate").GetString()!).Value;
        var expectedYear = Enumerable.Range(now.InUtc().Year, 5).First(y => NineAmOn(new LocalDate(y, 2, CalendarSystem.Iso.IsLeapYear(y) ? 29 : 28), "America/Chicago") > now);
        Assert.Equal(CalendarSystem.Iso.IsLeapYear(expectedYear) ? new LocalDate(expectedYear, 2, 29) : new LocalDate(expectedYear, 2, 28), localDate);

        if (!CalendarSystem.Iso.IsLeapYear(localDate.Year))
        {
            var dueAt = NineAmOn(localDate, "America/Chicago");
            await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));
            var sent = await WaitForSentAsync(email);
            Assert.Equal(Iso(localDate), sent.GetProperty("localDate").GetString());
            Assert.EndsWith("-02-28", sent.GetProperty("localDate").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_hundred_users_due_at_one_instant_get_one_delivery_each_and_every_row_is_enqueued_once()
    {
        var (date, dueAt) = await NextUtcNineAmAsync();
        var emails = Enumerable.Range(0, 100).Select(i => UniqueEmail($"crowd{i}")).ToList();
        await Task.WhenAll(emails.Select(e => Api.CreateAsync(NewUser(timezone: "UTC", birthday: Iso(new LocalDate(1980, date.Month, date.Day)), email: e))));

        await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));
        await WaitUntilAsync(async () => await CountAsync("status = 'Sent'", emails) == 100, "all 100 Sent");

        foreach (var email in emails.Take(10))
        {
            Assert.Single(await Simulator.SentToAsync(email));
        }

        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
        // Two scheduler replicas claimed concurrently; each row was put on the queue exactly once.
        Assert.Equal(100, await CountAsync("status = 'Sent' AND enqueue_count = 1", emails));
    }

    [Fact]
    public async Task With_10_percent_errors_and_2_percent_hangs_every_message_is_sent_once()
    {
        var (date, dueAt) = await NextUtcNineAmAsync();
        var emails = Enumerable.Range(0, 60).Select(i => UniqueEmail($"flaky{i}")).ToList();
        await Task.WhenAll(emails.Select(e => Api.CreateAsync(NewUser(timezone: "UTC", anniversary: Iso(new LocalDate(2015, date.Month, date.Day)), birthday: null, email: e))));

        await Simulator.SetFailureModesAsync(errorRate: 0.10, hangRate: 0.02);
        try
        {
            await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));
            await WaitUntilAsync(async () => await CountAsync("status = 'Sent'", emails) == emails.Count, "all Sent despite errors and hangs");
        }
        finally
        {
            await Simulator.SetFailureModesAsync();
        }

        Assert.All(await Task.WhenAll(emails.Select(Simulator.SentToAsync)), deliveries => Assert.Single(deliveries));
        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
    }

    [Fact]
    public async Task An_answer_lost_after_delivery_is_retried_with_the_same_key_and_delivered_once()
    {
        var (date, dueAt) = await NextUtcNineAmAsync();
        var email = UniqueEmail("lost");
        await Api.CreateAsync(NewUser(timezone: "UTC", birthday: Iso(new LocalDate(1975, date.Month, date.Day)), email: email));

        // The vendor delivers, then the answer is lost: to the worker this is the same as dying between the vendor's
        // answer and its own commit. The retry carries the same idempotency key.
        await Simulator.SetFailureModesAsync(lostAnswerRate: 1.0);
        try
        {
            await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));
            await WaitForSentAsync(email);
        }
        finally
        {
            await Simulator.SetFailureModesAsync();
        }

        Assert.Single(await Simulator.SentToAsync(email));
        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_and_a_400_fails_at_once_with_its_code()
    {
        var (date, dueAt) = await NextUtcNineAmAsync();
        var birthday = Iso(new LocalDate(1960, date.Month, date.Day));
        var throttled = UniqueEmail("throttled");
        var bounced = $"bounce-{Guid.NewGuid():N}@bounce.test";
        await Api.CreateAsync(NewUser(timezone: "UTC", birthday: birthday, email: throttled));
        var bouncedUser = await Api.CreateAsync(NewUser(timezone: "UTC", birthday: birthday, email: bounced));

        // Both messages are due at once: the first two sends are throttled, whichever they are.
        await Simulator.ThrottleAsync(requests: 2, retryAfterSeconds: 5);
        await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));

        var failed = await WaitForStatusAsync(Id(bouncedUser), "Failed");
        Assert.Contains("400", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        var pendingNextYear = (await Api.MessagesAsync(Id(bouncedUser))).Single(m => m.GetProperty("status").GetString() == "Pending");
        Assert.Equal(date.PlusYears(1).Year, LocalDatePattern.Iso.Parse(pendingNextYear.GetProperty("localDate").GetString()!).Value.Year);

        var sent = await WaitForSentAsync(throttled);
        var sentAt = InstantPattern.ExtendedIso.Parse(sent.GetProperty("sentAt").GetString()!).Value;
        Assert.True(sentAt - dueAt >= Duration.FromSeconds(5), $"sent {sentAt - dueAt} after due: the Retry-After of 5 s was not waited out");
        Assert.True((await Simulator.StatsAsync()).GetProperty("throttled").GetInt64() >= 1);
    }

    [Fact]
    public async Task After_a_virtual_day_of_vendor_outage_what_was_due_that_day_is_delivered_once_and_older_is_missed()
    {
        var now = await Time.NowAsync();
        // Due within the hour: about 41 hours late when the vendor is back, past the 36 h limit.
        // Due in about ten hours: about 32 hours late then, still deliverable.
        var tooOld = await CreateDueAtAsync(now + Duration.FromHours(1), "too-old");
        var late = await CreateDueAtAsync(now + Duration.FromHours(10), "late");
        var deleted = await CreateDueAtAsync(now + Duration.FromHours(10), "deleted");
        var moved = await CreateDueAtAsync(now + Duration.FromHours(10), "moved");

        await Simulator.OutageAsync(TimeSpan.FromMinutes(10));
        try
        {
            await Time.AdvanceToAsync(now + Duration.FromHours(11));
            // Every row was enqueued and tried against the dead vendor; now one user goes away and another moves.
            await WaitForAttemptAsync(deleted.Id);
            await WaitForAttemptAsync(moved.Id);
            using (await Api.DeleteAsync(deleted.Id))
            {
            }

            await Api.UpdateAsync(moved.Id, new System.Text.Json.Nodes.JsonObject { ["timezone"] = "Asia/Kathmandu" });
        }
        finally
        {
            await Simulator.OutageAsync(TimeSpan.Zero);
        }

        // The vendor is back, a virtual day and a half after the first message was due.
        await Time.AdvanceToAsync(now + Duration.FromHours(42));

        await WaitForSentAsync(late.Email);
        var missed = await WaitForStatusAsync(tooOld.Id, "Missed");
        Assert.Contains("36 h", missed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains(await Api.MessagesAsync(tooOld.Id), m => m.GetProperty("status").GetString() == "Pending");

        Assert.Single(await Simulator.SentToAsync(late.Email));
        Assert.Empty(await Simulator.SentToAsync(deleted.Email));
        Assert.All(await Api.MessagesAsync(deleted.Id), m => Assert.Equal("Cancelled", m.GetProperty("status").GetString()));
        Assert.Contains(await Api.MessagesAsync(moved.Id), m => m.GetProperty("status").GetString() == "Cancelled");
        Assert.Empty(await Simulator.SentToAsync(moved.Email));
        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
    }

    [Fact]
    public async Task A_RabbitMQ_node_stopped_during_a_burst_loses_nothing()
    {
        var (date, dueAt) = await NextUtcNineAmAsync();
        var emails = Enumerable.Range(0, 60).Select(i => UniqueEmail($"burst{i}")).ToList();
        await Task.WhenAll(emails.Select(e => Api.CreateAsync(NewUser(timezone: "UTC", birthday: Iso(new LocalDate(1999, date.Month, date.Day)), email: e))));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(1));
        await Application.StopResourceAsync("messaging-1", timeout.Token);
        try
        {
            await WaitUntilAsync(async () => await CountAsync("status = 'Sent'", emails) == emails.Count, "all Sent with a node down");
        }
        finally
        {
            await Application.StartResourceAsync("messaging-1", timeout.Token);
        }

        Assert.Equal(0, await Simulator.DuplicateDeliveriesAsync());
    }

    private async Task<(string Id, string Email)> CreateDueAtAsync(Instant dueAt, string tag)
    {
        var (zone, local) = NineAmZones.At(dueAt);
        var email = UniqueEmail(tag);
        var user = await Api.CreateAsync(NewUser(timezone: zone, birthday: Iso(new LocalDate(1985, local.Month, local.Day)), email: email));
        return (Id(user), email);
    }

    private async Task WaitForAttemptAsync(string userId) =>
        await WaitUntilAsync(async () => (await Api.MessagesAsync(userId)).Any(m => m.GetProperty("attempts").GetInt32() > 0), $"a send attempt for user {userId}");

    /// <summary>The next 09:00 UTC at least two minutes ahead: nothing another test made is due between now and then.</summary>
    private async Task<(LocalDate Date, Instant DueAt)> NextUtcNineAmAsync()
    {
        var now = await Time.NowAsync();
        var date = now.InUtc().Date;
        while (NineAmOn(date, "UTC") < now + Duration.FromMinutes(2) || date is { Month: 2, Day: 29 })
        {
            date = date.PlusDays(1);
        }

        return (date, NineAmOn(date, "UTC"));
    }

    private async Task<JsonElement> WaitForSentAsync(string email)
    {
        JsonElement sent = default;
        await WaitUntilAsync(async () =>
        {
            var id = await UserIdByEmailAsync(email);
            var message = id is null ? null : (await Api.MessagesAsync(id)).FirstOrDefault(m => m.GetProperty("status").GetString() == "Sent") is { ValueKind: JsonValueKind.Object } m2 ? m2 : (JsonElement?)null;
            if (message is { } found)
            {
                sent = found;
                return true;
            }

            return false;
        }, $"a Sent message for {email}");
        return sent;
    }

    private async Task<JsonElement> WaitForStatusAsync(string userId, string status)
    {
        JsonElement match = default;
        await WaitUntilAsync(async () =>
        {
            var found = (await Api.MessagesAsync(userId)).Where(m => m.GetProperty("status").GetString() == status).ToList();
            if (found.Count > 0)
            {
                match = found[0];
                return true;
            }

            return false;
        }, $"a {status} message for user {userId}");
        return match;
    }

    private Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Eventually.HoldsAsync(condition, DeliveryTimeout, () => $"waited {DeliveryTimeout} for {what}.\n{Application.LogTail("worker", 30)}");

    private async Task<string?> UserIdByEmailAsync(string email)
    {
        await using var connection = new NpgsqlConnection(await Application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM users WHERE email = @email ORDER BY created_at DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("email", email);
        return (await command.ExecuteScalarAsync()) is Guid id ? id.ToString() : null;
    }

    private async Task<long> CountAsync(string condition, IReadOnlyList<string> emails)
    {
        await using var connection = new NpgsqlConnection(await Application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM messages WHERE email = ANY(@emails) AND {condition}", connection);
        command.Parameters.AddWithValue("emails", emails.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Id(JsonElement user) => user.GetProperty("id").GetString()!;
}
