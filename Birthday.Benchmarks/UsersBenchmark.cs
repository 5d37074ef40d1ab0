using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Birthday.Core.Messages;
using Birthday.Core.Occasions;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using NodaTime;
using Npgsql;

namespace Birthday.Benchmarks;

/// <summary>
/// A million users with a realistic spread of zones and dates loaded through the bulk path, then the users API measured
/// through the gateway at a fixed concurrency: reads of random users, and creates.
/// </summary>
public static class UsersBenchmark
{
    public static async Task<int> RunAsync(int count, int connections, TimeSpan duration, string output)
    {
        var report = new BenchmarkReport($"users-{count}", $"./scripts/bench.sh users --users {count} --connections {connections} --seconds {duration.TotalSeconds}");
        Console.WriteLine("Booting the application…");
        await using var app = await BenchmarkApplication.StartAsync(
        [
            // The gateway's per-client limits are for the public; the load generator is one client doing the work of thousands.
            "--Gateway:RateLimits:Disabled=true",
        ], TimeSpan.FromMinutes(5));
        await using var database = await app.DataSourceAsync();

        Console.WriteLine($"Loading {count:N0} users…");
        var ids = new Guid[count];
        var (loadTime, planTime, writeMessagesTime, messages) = await LoadAsync(database, ids);
        long errors = 0;
        report.Add("users loaded (bulk COPY)", count);
        report.Add("messages planned and written", messages);
        report.Add("total load time", loadTime.TotalSeconds, "s");
        report.Add("users/s", count / loadTime.TotalSeconds, "users/s");
        report.Add("time computing pending messages (NodaTime, in process)", planTime.TotalSeconds, "s");
        report.Add("time writing pending messages (COPY)", writeMessagesTime.TotalSeconds, "s");

        // The same reads through the gateway and straight to one instance, so the two figures compare: of random users
        // (nearly all cache misses: Redis, then the replica), and of a hot thousand already in the cache, as the old
        // system's "cached reads" were measured.
        Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>> GetUserAmong(int population) => async (http, n, ct) =>
        {
            using var response = await http.GetAsync(new Uri($"/api/v1/users/{ids[(int)(Hash(n) % (ulong)population)]}", UriKind.Relative), ct);
            await response.Content.CopyToAsync(Stream.Null, ct);
            return response.StatusCode;
        };

        var gateway = app.Endpoint("gateway");
        var hot = Math.Min(1000, ids.Length);
        foreach (var (label, population) in new[] { ("random user", ids.Length), ("cached user", hot) })
        {
            var getUser = GetUserAmong(population);
            if (population == hot)
            {
                await LoadGenerator.RunAsync(gateway, connections, TimeSpan.FromSeconds(2), TimeSpan.Zero, getUser); // fills the cache
            }

            await using var sampler = new MachineSampler();
            Console.WriteLine($"GET /api/v1/users/{{id}} ({label}) through the gateway, {connections} connections, {duration.TotalSeconds} s…");
            var reads = await LoadGenerator.RunAsync(gateway, connections, duration, TimeSpan.FromSeconds(3), getUser);
            Add(report, $"GET {label} via gateway", reads);
            report.Add($"GET {label} via gateway: average busy cores (machine)", sampler.AverageBusyCores(), $"of {Environment.ProcessorCount}");

            Console.WriteLine($"GET /api/v1/users/{{id}} ({label}) straight to api-1, {connections} connections, {duration.TotalSeconds} s…");
            var direct = await LoadGenerator.RunAsync(app.Endpoint("api-1"), connections, duration, TimeSpan.FromSeconds(3), getUser);
            Add(report, $"GET {label} direct to api-1", direct);
            report.Add($"GET {label}: gateway (every api instance) / direct (one instance) throughput ratio", reads.RequestsPerSecond / direct.RequestsPerSecond);
            errors += reads.Errors + direct.Errors;
        }

        Console.WriteLine($"POST /api/v1/users through the gateway, {connections} connections, {duration.TotalSeconds} s…");
        var run = Guid.NewGuid().ToString("N")[..8];
        var zones = Zones();
        var creates = await LoadGenerator.RunAsync(gateway, connections, duration, TimeSpan.FromSeconds(3), async (http, n, ct) =>
        {
            using var response = await http.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative), new
            {
                firstName = "Load",
                lastName = $"Test{n}",
                email = $"load-{run}-{n}@example.com",
                timezone = zones[(int)(n % zones.Count)],
                birthdayDate = "1988-03-14",
                anniversaryDate = "2016-09-01",
            }, ct);
            await response.Content.CopyToAsync(Stream.Null, ct);
            return response.StatusCode;
        });
        Add(report, "POST user via gateway", creates);
        await report.WriteAsync(output);
        return errors + creates.Errors == 0 ? 0 : 1;
    }

    private static void Add(BenchmarkReport report, string operation, LoadResult result)
    {
        report.Add($"{operation}: requests", result.Requests);
        report.Add($"{operation}: errors", result.Errors);
        report.Add($"{operation}: throughput", result.RequestsPerSecond, "req/s");
        report.Add($"{operation}: p50", result.P50Ms, "ms");
        report.Add($"{operation}: p90", result.P90Ms, "ms");
        report.Add($"{operation}: p99", result.P99Ms, "ms");
        report.Add($"{operation}: max", result.MaxMs, "ms");
    }

    private static ulong Hash(long n) => unchecked((ulong)n * 11400714819323198485UL) >> 16;

    /// <summary>Canonical zones (those with a country), so the spread looks like where people live.</summary>
    private static List<string> Zones() =>
        [.. NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.ZoneLocations!.Select(l => l.ZoneId).Distinct().Order()];

    private static async Task<(TimeSpan Load, TimeSpan Plan, TimeSpan WriteMessages, long Messages)> LoadAsync(NpgsqlDataSource database, Guid[] ids)
    {
        var planner = new MessagePlanner(OccasionCatalog.Default, new OccurrenceCalculator());
        var zones = Zones();
        var random = new Random(20261127);
        var now = SystemClock.Instance.GetCurrentInstant();
        var total = Stopwatch.StartNew();
        var plan = new Stopwatch();
        var writeMessages = new Stopwatch();
        long messages = 0;
        const int chunk = 50_000;
        for (var start = 0; start < ids.Length; start += chunk)
        {
            var users = new List<User>(chunk);
            for (var i = start; i < Math.Min(ids.Length, start + chunk); i++)
            {
                var birthday = new LocalDate(1950, 1, 1).PlusDays(random.Next(0, 20_000));
                LocalDate? anniversary = null;
                if (random.NextDouble() < 0.6)
                {
                    var hired = birthday.PlusYears(22).PlusDays(random.Next(0, 7000));
                    anniversary = hired < new LocalDate(2026, 1, 1) ? hired : null;
                }

                var user = new User
                {
                    Id = ids[i] = Guid.CreateVersion7(),
                    FirstName = "Bulk",
                    LastName = $"User{i}",
                    Email = $"bulk{i}@example.com",
                    TimeZone = zones[random.Next(zones.Count)],
                    BirthdayDate = birthday,
                    AnniversaryDate = anniversary,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                users.Add(user);
            }

            plan.Start();
            var planned = users.SelectMany(u => planner.Plan(null, u, [], now).ToCreate).ToList();
            plan.Stop();
            messages += planned.Count;

            await using var connection = await database.OpenConnectionAsync();
            await UserBulkWriter.WriteUsersAsync(connection, users, CancellationToken.None);
            writeMessages.Start();
            await UserBulkWriter.WriteMessagesAsync(connection, planned, CancellationToken.None);
            writeMessages.Stop();
            Console.WriteLine($"  {start + users.Count,9:N0} users, {total.Elapsed.TotalSeconds,5:0} s");
        }

        await using var analyze = database.CreateCommand("ANALYZE users; ANALYZE messages;");
        await analyze.ExecuteNonQueryAsync();
        return (total.Elapsed, plan.Elapsed, writeMessages.Elapsed, messages);
    }
}
