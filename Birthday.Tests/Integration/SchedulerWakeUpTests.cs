using NodaTime;
using Npgsql;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// The scheduler sleeps while nothing is due (until the earliest Pending row is due, five seconds at most) and is woken
/// for rows due sooner: a write's NOTIFY, or the virtual clock moving. Each test first moves the clock two seconds before
/// an hour that nothing else is due near, which wakes the schedulers once, 0.4 s after the move; left alone, they would
/// next look five seconds after that wake, 3.4 s after that hour. A delivery within <see cref="Prompt"/> of it shows that
/// something else woke them on time, and one at or after it that they did not claim early.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class SchedulerWakeUpTests(BirthdayApplication application) : DeliveryTestBase(application)
{
    // Below the idle look's 3.4 s with room to tell them apart, and above what the first delivery after a start costs on
    // two shared cores while every service still compiles its paths (1.56 s seen in CI, where these tests may run first).
    private static readonly Duration Prompt = Duration.FromMilliseconds(2500);
    private static readonly Duration Lead = Duration.FromSeconds(2);
    private static readonly Duration Quiet = Duration.FromHours(2);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_user_created_seconds_before_its_0900_is_delivered_at_0900_though_the_schedulers_slept_with_nothing_due_for_hours()
    {
        var dueAt = await QuietHourAsync();
        await Time.AdvanceToAsync(dueAt - Lead);

        // Created now, the user gets today's message (before 09:00 local), due sooner than the schedulers' next look:
        // the api's NOTIFY must wake them.
        var email = await CreateDueAtAsync(dueAt, "created-just-before");

        AssertPrompt(await WaitForDeliveriesAsync([email], DeliveryTimeout), dueAt, "created two seconds before its 09:00");
    }

    [Fact]
    public async Task A_message_scheduled_hours_ahead_is_claimed_at_its_due_instant_not_before_and_not_at_the_next_idle_look()
    {
        var dueAt = await QuietHourAsync();
        var emails = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            emails.Add(await CreateDueAtAsync(dueAt, $"scheduled-ahead-{i}"));
        }

        // The clock's move wakes the schedulers; they learn that the earliest row is due two seconds on, and sleep until then.
        await Time.AdvanceToAsync(dueAt - Lead);

        AssertPrompt(await WaitForDeliveriesAsync(emails, DeliveryTimeout), dueAt, "scheduled ahead");
    }

    /// <summary>
    /// The top of an hour at least two minutes ahead with no other row due from now until <see cref="Quiet"/> after it, so
    /// the schedulers, woken by the clock's move, find nothing due for hours and sleep their longest.
    /// </summary>
    private async Task<Instant> QuietHourAsync()
    {
        var now = await Time.NowAsync();
        var soon = now + Duration.FromMinutes(2);
        var hour = Instant.FromUnixTimeTicks(soon.ToUnixTimeTicks() - (soon.ToUnixTimeTicks() % NodaConstants.TicksPerHour)) + Duration.FromHours(1);
        await using var connection = new NpgsqlConnection(await Application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        for (var tries = 0; tries < 72; tries++, hour += Duration.FromHours(1))
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM messages WHERE status = 'Pending' AND GREATEST(due_at, next_attempt_at) BETWEEN @now AND @until", connection);
            command.Parameters.AddWithValue("now", now.ToDateTimeUtc());
            command.Parameters.AddWithValue("until", (hour + Quiet).ToDateTimeUtc());
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return hour;
            }
        }

        throw new InvalidOperationException($"No hour within three days of {now} has {Quiet} free of due messages after it.");
    }

    private async Task<string> CreateDueAtAsync(Instant dueAt, string tag)
    {
        var (zone, local) = NineAmZones.At(dueAt);
        var email = UniqueEmail(tag);
        await Api.CreateAsync(NewUser(timezone: zone, birthday: Iso(new LocalDate(1992, local.Month, local.Day)), email: email));
        return email;
    }

    private void AssertPrompt(IReadOnlyList<(string Email, Instant ReceivedAt)> deliveries, Instant dueAt, string situation)
    {
        foreach (var (email, receivedAt) in deliveries)
        {
            Assert.True(receivedAt >= dueAt, $"{situation}: {email} reached the email service at {receivedAt}, before it was due at {dueAt}");
            Assert.True(receivedAt - dueAt <= Prompt,
                $"{situation}: {email} reached the email service {(receivedAt - dueAt).TotalSeconds:0.000} s after it was due at {dueAt} " +
                $"(at most {Prompt.TotalSeconds} s expected; the schedulers' next idle look would have been some 3 s after it).\n{Application.LogTail("scheduler", 30)}");
        }
    }
}
