using NodaTime;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// Delivery on time whatever the services' clocks say. The scheduler's claim decides that a message is due, so a worker
/// whose clock runs behind still sends at once, and one whose clock runs ahead sends nothing early. Lateness is measured
/// where a user would see it: when the email service received the call, on the application's shared virtual time.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class DeliveryTimingTests(BirthdayApplication application) : DeliveryTestBase(application)
{
    private static readonly Duration OnTime = Duration.FromSeconds(2);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(40);

    [Theory]
    [InlineData(500)]
    [InlineData(5000)]
    public async Task A_worker_whose_clock_runs_behind_the_schedulers_still_delivers_within_2_s_of_due(int behindMs)
    {
        await Time.SkewAsync("worker", Duration.FromMilliseconds(-behindMs));
        try
        {
            var dueAt = await NextFreeHourAsync();
            var emails = await CreateDueAtAsync(dueAt, count: 10, $"behind{behindMs}");
            await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(2));

            AssertOnTime(await WaitForDeliveriesAsync(emails), dueAt, $"with the workers' clocks {behindMs} ms behind");
        }
        finally
        {
            await Time.SkewAsync("worker", Duration.Zero);
        }
    }

    [Fact]
    public async Task A_worker_whose_clock_runs_ahead_sends_nothing_before_the_schedulers_due_instant()
    {
        await Time.SkewAsync("worker", Duration.FromSeconds(5));
        try
        {
            var dueAt = await NextFreeHourAsync();
            var emails = await CreateDueAtAsync(dueAt, count: 10, "ahead");
            // By the workers' clocks the messages are due three seconds from here; by the application's, eight.
            await Time.AdvanceToAsync(dueAt - Duration.FromSeconds(8));

            AssertOnTime(await WaitForDeliveriesAsync(emails), dueAt, "with the workers' clocks 5 s ahead");
        }
        finally
        {
            await Time.SkewAsync("worker", Duration.Zero);
        }
    }

    [Fact]
    public async Task In_20_rounds_users_in_four_zones_are_each_delivered_within_2_s_of_their_own_0900_and_never_before()
    {
        string[] zones = ["Etc/UTC", "Europe/London", "Australia/Melbourne", "Pacific/Honolulu"];
        var firstDate = (await Time.NowAsync()).InUtc().Date.PlusDays(2);
        var users = new List<(string Zone, string Email, Instant DueAt)>();
        for (var round = 0; round < 20; round++)
        {
            var date = firstDate.PlusDays(round);
            foreach (var zone in zones)
            {
                var email = UniqueEmail($"round{round}-{zone.Replace('/', '-')}");
                // 1992 was a leap year, so a round that falls on 29 February still has a birthday to stand on.
                await Api.CreateAsync(NewUser(timezone: zone, birthday: Iso(new LocalDate(1992, date.Month, date.Day)), email: email));
                users.Add((zone, email, date.At(NineAm).InZoneStrictly(DateTimeZoneProviders.Tzdb[zone]).ToInstant()));
            }
        }

        // Each round's zones come due at their own instants (UTC and London together in winter); the clock visits each.
        foreach (var due in users.GroupBy(u => u.DueAt).OrderBy(g => g.Key))
        {
            await Time.AdvanceToAsync(due.Key - Duration.FromSeconds(1));
            var deliveries = await WaitForDeliveriesAsync([.. due.Select(u => u.Email)]);
            AssertOnTime(deliveries, due.Key, string.Join(", ", due.Select(u => u.Zone)));
        }
    }

    /// <summary>The next top of an hour at least two minutes ahead, so the test's users have it to themselves.</summary>
    private async Task<Instant> NextFreeHourAsync()
    {
        var soon = await Time.NowAsync() + Duration.FromMinutes(2);
        return Instant.FromUnixTimeTicks(soon.ToUnixTimeTicks() - (soon.ToUnixTimeTicks() % NodaConstants.TicksPerHour)) + Duration.FromHours(1);
    }

    private async Task<IReadOnlyList<string>> CreateDueAtAsync(Instant dueAt, int count, string tag)
    {
        var (zone, local) = NineAmZones.At(dueAt);
        var emails = Enumerable.Range(0, count).Select(i => UniqueEmail($"{tag}-{i}")).ToList();
        await Task.WhenAll(emails.Select(email =>
            Api.CreateAsync(NewUser(timezone: zone, birthday: Iso(new LocalDate(1992, local.Month, local.Day)), email: email))));
        return emails;
    }

    private Task<IReadOnlyList<(string Email, Instant ReceivedAt)>> WaitForDeliveriesAsync(IReadOnlyList<string> emails) =>
        WaitForDeliveriesAsync(emails, DeliveryTimeout);

    private void AssertOnTime(IReadOnlyList<(string Email, Instant ReceivedAt)> deliveries, Instant dueAt, string situation)
    {
        foreach (var (email, receivedAt) in deliveries)
        {
            Assert.True(receivedAt >= dueAt, $"{situation}: {email} reached the email service at {receivedAt}, before it was due at {dueAt}");
            Assert.True(receivedAt - dueAt <= OnTime,
                $"{situation}: {email} reached the email service {(receivedAt - dueAt).TotalSeconds:0.000} s after it was due at {dueAt} (at most {OnTime.TotalSeconds} s expected).\n{Application.LogTail("worker", 30)}{Application.LogTail("scheduler", 30)}");
        }
    }
}
