using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Birthday.Core.Messages;
using Birthday.Core.Occasions;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using NodaTime;
using Npgsql;

namespace Birthday.Benchmarks;

/// <summary>
/// N messages due at one instant: users spread over every zone whose 09:00 falls on that instant are loaded through the
/// bulk path, the application's clock is moved to the instant, and we watch the rows go Enqueued and Sent while the
/// email simulator fails a given share of calls.
/// </summary>
public static class DeliveryBenchmark
{
    /// <summary>08:00 UTC on 1 June 2027 is 09:00 wherever the offset is +01:00 then (London and Dublin in summer, Lagos, Algiers, …).</summary>
    internal static readonly Instant DueAt = Instant.FromUtc(2027, 6, 1, 8, 0);

    public static async Task<int> RunAsync(int messages, double errorRate, string output)
    {
        var name = $"delivery-{messages}-at-{errorRate:0%}".Replace("%", "pct", StringComparison.Ordinal);
        var report = new BenchmarkReport(name, $"./scripts/bench.sh delivery --messages {messages} --error-rate {errorRate}");
        Console.WriteLine($"Booting the application (virtual time {DueAt - Duration.FromMinutes(10)})…");
        await using var app = await BenchmarkApplication.StartAsync(
        [
            $"--Parameters:clock-start={DueAt - Duration.FromMinutes(10)}",
            "--Scheduler:PollInterval=00:00:00.100",
            "--Scheduler:BatchSize=2000",
            $"--Simulator:ErrorRate={errorRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--Simulator:MaxRecords=2000000",
        ], TimeSpan.FromMinutes(5));
        await using var database = await app.DataSourceAsync();
        await WaitForVirtualClockAsync(database);

        var zones = ZonesAtNineAm(DueAt);
        Console.WriteLine($"Loading {messages:N0} users in {zones.Count} zones whose 09:00 is {DueAt}…");
        var load = Stopwatch.StartNew();
        await LoadAsync(database, messages, zones);
        report.Add("users and messages loaded (bulk COPY)", messages);
        report.Add("load time", load.Elapsed.TotalSeconds, "s");

        using var simulator = app.CreateHttpClient("email-simulator");
        (await simulator.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

        await using var sampler = new MachineSampler();
        var processes = new ProcessCpuSampler();
        await app.AdvanceClockToAsync(DueAt - Duration.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        TimeSpan? allEnqueued = null;
        TimeSpan? allDone = null;
        var deadline = TimeSpan.FromMinutes(15);
        long stillPending = messages, finished = 0;
        while (allDone is null && clock.Elapsed < deadline)
        {
            // Once a second, as cheaply as possible: the harness must not become the load. The rows still waiting to be
            // claimed are counted through the pending rows' index; whether all are finished is asked of the database only
            // once the vendor has seen as many deliveries as there are messages (and every 10 s, for runs where some fail).
            await Task.Delay(1000);
            if (allEnqueued is null)
            {
                stillPending = await StillPendingAsync(database);
                if (stillPending == 0)
                {
                    allEnqueued = clock.Elapsed;
                }
            }

            var delivered = (await simulator.GetFromJsonAsync<JsonElement>("/stats")).GetProperty("deliveries").GetInt64();
            var second = (int)clock.Elapsed.TotalSeconds;
            if (delivered >= messages || second % 10 == 0)
            {
                finished = await FinishedAsync(database);
                if (finished >= messages)
                {
                    allDone = clock.Elapsed;
                }
            }

            if (second % 10 == 0)
            {
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:0}s  pending {stillPending,8:N0}  delivered {delivered,8:N0}  finished {finished,8:N0}");
            }
        }

        var cores = sampler.AverageBusyCores();
        var stolen = sampler.AverageStolenCores();
        var stats = await simulator.GetFromJsonAsync<JsonElement>("/stats");
        var lateness = await LatenessAsync(database);
        var (sent, failed) = await OutcomesAsync(database);

        report.Add("messages due at one instant", messages);
        report.Add("simulator error rate", errorRate);
        report.Add("all claimed and published after due", allEnqueued?.TotalSeconds ?? double.NaN, "s");
        report.Add("claim+publish rate", allEnqueued is { } e ? messages / e.TotalSeconds : 0, "msg/s");
        report.Add("all finished (Sent or Failed) after due", allDone?.TotalSeconds ?? double.NaN, "s");
        report.Add("delivery rate", allDone is { } d ? messages / d.TotalSeconds : 0, "msg/s");
        report.Add("sent", sent);
        report.Add("failed", failed);
        report.Add("lateness p50 (sent_at - due_at)", lateness.P50, "s");
        report.Add("lateness p99", lateness.P99, "s");
        report.Add("lateness max", lateness.Max, "s");
        report.Add("vendor requests", stats.GetProperty("requests").GetInt64());
        report.Add("vendor deliveries", stats.GetProperty("deliveries").GetInt64());
        report.Add("duplicate requests (answered by idempotency key)", stats.GetProperty("duplicateRequests").GetInt64());
        report.Add("duplicate deliveries", stats.GetProperty("duplicateDeliveries").GetInt64());
        report.Add("average busy cores during delivery (machine)", cores, $"of {Environment.ProcessorCount}");
        report.Add("of which taken by the hypervisor (steal)", stolen, "cores");
        report.Add("peak memory used (machine)", sampler.PeakUsedBytes / 1024.0 / 1024.0 / 1024.0, "GiB");
        foreach (var (part, seconds) in processes.SecondsByPart().Take(12))
        {
            report.Add($"CPU of {part}", seconds, "s");
        }

        await report.WriteAsync(output);

        var ok = allDone is not null && stats.GetProperty("duplicateDeliveries").GetInt64() == 0;
        return ok ? 0 : 1;
    }

    internal static List<DateTimeZone> ZonesAtNineAm(Instant instant) =>
        DateTimeZoneProviders.Tzdb.Ids
            .Select(id => DateTimeZoneProviders.Tzdb[id])
            .Where(zone => instant.InZone(zone).TimeOfDay == new LocalTime(9, 0))
            .ToList();

    /// <summary>
    /// Loads <paramref name="count"/> users through the bulk path, spread over <paramref name="zones"/>, each with a
    /// birthday on the local date their zone has at <paramref name="dueAt"/> (09:00 there), and their pending messages.
    /// </summary>
    internal static async Task LoadAsync(NpgsqlDataSource database, int count, List<DateTimeZone> zones, Instant? dueAt = null, string emailPrefix = "bench")
    {
        var due = dueAt ?? DueAt;
        var catalog = OccasionCatalog.Default;
        var planner = new MessagePlanner(catalog, new OccurrenceCalculator());
        var createdAt = due - Duration.FromMinutes(10);
        const int chunk = 50_000;
        for (var start = 0; start < count; start += chunk)
        {
            var users = Enumerable.Range(start, Math.Min(chunk, count - start)).Select(i =>
            {
                var zone = zones[i % zones.Count];
                var local = due.InZone(zone).Date;
                return new User
                {
                    Id = Guid.CreateVersion7(),
                    FirstName = "Bench",
                    LastName = $"User{i}",
                    Email = $"{emailPrefix}{i}@example.com",
                    TimeZone = zone.Id,
                    BirthdayDate = new LocalDate(1992, local.Month, local.Day),
                    CreatedAt = createdAt,
                    UpdatedAt = createdAt,
                };
            }).ToList();
            var planned = users.SelectMany(u => planner.Plan(null, u, [], createdAt).ToCreate).ToList();
            if (planned.Any(m => m.DueAt != due))
            {
                throw new InvalidOperationException("every message should be due at the same instant");
            }

            await using var connection = await database.OpenConnectionAsync();
            await UserBulkWriter.WriteUsersAsync(connection, users, CancellationToken.None);
            await UserBulkWriter.WriteMessagesAsync(connection, planned, CancellationToken.None);
        }

        await using var analyze = database.CreateCommand("ANALYZE users; ANALYZE messages;");
        await analyze.ExecuteNonQueryAsync();
    }

    internal static async Task WaitForVirtualClockAsync(NpgsqlDataSource database)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var command = database.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_name = 'virtual_clock'");
            if ((long)(await command.ExecuteScalarAsync())! == 1)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException("the services never published their virtual clock");
    }

    /// <summary>Due rows not yet claimed (retries waiting included), read from the pending rows' partial index.</summary>
    private static async Task<long> StillPendingAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT count(*) FROM messages
            WHERE status = 'Pending' AND next_attempt_at <= @due + interval '1 day' AND due_at <= @due
            """);
        command.Parameters.AddWithValue("due", DueAt);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> FinishedAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM messages WHERE due_at = @due AND status IN ('Sent', 'Failed')");
        command.Parameters.AddWithValue("due", DueAt);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(double P50, double P99, double Max)> LatenessAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - due_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - due_at)),
                   max(extract(epoch FROM sent_at - due_at))::float8
            FROM messages WHERE status = 'Sent' AND due_at = @due
            """);
        command.Parameters.AddWithValue("due", DueAt);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.IsDBNull(0) ? (double.NaN, double.NaN, double.NaN) : (reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    private static async Task<(long Sent, long Failed)> OutcomesAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("SELECT count(*) FILTER (WHERE status = 'Sent'), count(*) FILTER (WHERE status = 'Failed') FROM messages WHERE due_at = @due");
        command.Parameters.AddWithValue("due", DueAt);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
