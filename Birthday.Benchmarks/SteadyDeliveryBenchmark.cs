using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using Npgsql;

namespace Birthday.Benchmarks;

/// <summary>
/// Lateness under a steady low load, with the scheduler's and workers' production pacing: a few messages come due every
/// second for a few minutes, and we report how long after its due instant each was sent, and whether any went early.
/// Optionally the workers' clocks run apart from the scheduler's, as two machines' clocks do.
/// </summary>
public static class SteadyDeliveryBenchmark
{
    public static async Task<int> RunAsync(int perSecond, TimeSpan duration, int workerSkewMs, string output)
    {
        var seconds = (int)duration.TotalSeconds;
        var messages = perSecond * seconds;
        var name = $"steady-{perSecond}-per-second{(workerSkewMs != 0 ? $"-worker-skew-{workerSkewMs}ms" : "")}";
        var report = new BenchmarkReport(name,
            $"./scripts/bench.sh steady --per-second {perSecond} --seconds {seconds} --worker-skew-ms {workerSkewMs}");
        var firstDue = DeliveryBenchmark.DueAt;
        Console.WriteLine($"Booting the application (virtual time {firstDue - Duration.FromMinutes(10)}, production pacing)…");
        await using var app = await BenchmarkApplication.StartAsync(
            [$"--Parameters:clock-start={firstDue - Duration.FromMinutes(10)}", "--Simulator:ErrorRate=0"], TimeSpan.FromMinutes(5));
        await using var database = await app.DataSourceAsync();
        await DeliveryBenchmark.WaitForVirtualClockAsync(database);

        // Users in real zones whose 09:00 is the first instant, loaded through the bulk path; then their rows are spread
        // over the following seconds, perSecond to a second. The pipeline only sees due_at, whatever made it due.
        Console.WriteLine($"Loading {messages:N0} users, {perSecond} due every second for {seconds} s…");
        await DeliveryBenchmark.LoadAsync(database, messages, DeliveryBenchmark.ZonesAtNineAm(firstDue));
        await SpreadAsync(database, firstDue, perSecond);
        await SkewWorkersAsync(database, Duration.FromMilliseconds(workerSkewMs));

        using var simulator = app.CreateHttpClient("email-simulator");
        (await simulator.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await app.AdvanceClockToAsync(firstDue - Duration.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        var deadline = duration + TimeSpan.FromMinutes(3);
        long sent = 0;
        while (clock.Elapsed < deadline && (sent = await SentAsync(database, firstDue)) < messages)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds,5:0}s  sent {sent,7:N0} of {messages:N0}");
        }

        var lateness = await LatenessAsync(database, firstDue, firstDue + Duration.FromDays(1));
        // The first second's rows are the workers' first deliveries since they started: a cold path shows here.
        var first = await LatenessAsync(database, firstDue, firstDue + Duration.FromSeconds(1));
        var stats = await simulator.GetFromJsonAsync<JsonElement>("/stats");
        report.Add("messages", messages);
        report.Add("due per second", perSecond);
        report.Add("for", seconds, "s");
        report.Add("workers' clocks apart from the scheduler's", workerSkewMs, "ms");
        report.Add("sent", sent);
        report.Add("sent before due (early)", lateness.Early);
        report.Add("lateness p50 (sent_at - due_at)", lateness.P50, "s");
        report.Add("lateness p99", lateness.P99, "s");
        report.Add("lateness max", lateness.Max, "s");
        report.Add("lateness max of the first second's rows (the workers' first deliveries since their start)", first.Max, "s");
        report.Add("duplicate deliveries", stats.GetProperty("duplicateDeliveries").GetInt64());
        await report.WriteAsync(output);
        return sent == messages && lateness.Early == 0 && stats.GetProperty("duplicateDeliveries").GetInt64() == 0 ? 0 : 1;
    }

    private static async Task SpreadAsync(NpgsqlDataSource database, Instant firstDue, int perSecond)
    {
        await using var command = database.CreateCommand("""
            WITH numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / @per_second AS second FROM messages WHERE due_at = @first)
            UPDATE messages m SET due_at = @first + numbered.second * interval '1 second', next_attempt_at = @first + numbered.second * interval '1 second'
            FROM numbered WHERE m.id = numbered.id
            """);
        command.Parameters.AddWithValue("first", firstDue);
        command.Parameters.AddWithValue("per_second", perSecond);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sets every worker's clock apart from the shared virtual time (virtual_clock_skew, as the tests do).</summary>
    private static async Task SkewWorkersAsync(NpgsqlDataSource database, Duration skew)
    {
        await using var command = database.CreateCommand(Core.Time.VirtualClockFollower.SetSkewSql);
        command.Parameters.AddWithValue("service", "worker");
        command.Parameters.AddWithValue("ticks", skew.BclCompatibleTicks);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> SentAsync(NpgsqlDataSource database, Instant firstDue)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM messages WHERE status = 'Sent' AND due_at >= @first AND due_at < @first + interval '1 day'");
        command.Parameters.AddWithValue("first", firstDue);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Lateness by the application's shared clock: sent_at is the scheduler-aligned instant the vendor answered, taken
    /// from the worker's clock, so a skewed worker's own reading is corrected by its skew.
    /// </summary>
    private static async Task<(long Early, double P50, double P99, double Max)> LatenessAsync(NpgsqlDataSource database, Instant from, Instant until)
    {
        await using var command = database.CreateCommand("""
            WITH skew AS (SELECT COALESCE((SELECT skew_ticks FROM virtual_clock_skew WHERE service = 'worker'), 0) / 1e7 AS seconds),
                 late AS (SELECT extract(epoch FROM sent_at - due_at)::float8 - (SELECT seconds FROM skew) AS seconds
                          FROM messages WHERE status = 'Sent' AND due_at >= @from AND due_at < @until)
            SELECT count(*) FILTER (WHERE seconds < 0),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY seconds),
                   max(seconds)
            FROM late
            """);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("until", until);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.IsDBNull(1)
            ? (0, double.NaN, double.NaN, double.NaN)
            : (reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3));
    }
}
