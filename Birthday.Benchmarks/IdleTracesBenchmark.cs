using System.Diagnostics;
using Birthday.Tests.Telemetry;

namespace Birthday.Benchmarks;

/// <summary>
/// How many traces the dashboard lists after the application has stood idle: booted as run.sh boots it (production
/// polling, every replica, no user), its telemetry sent to a receiver in this process instead of the dashboard, and
/// every trace counted as the dashboard counts it (by trace id, root or not), from the boot on and within the idle
/// window after every service is healthy.
/// </summary>
public static class IdleTracesBenchmark
{
    public static async Task<int> RunAsync(TimeSpan idle, string output)
    {
        var minutes = (int)idle.TotalMinutes;
        var report = new BenchmarkReport($"idle-traces-{minutes}-minutes", $"./scripts/bench.sh idle-traces --minutes {minutes}");
        await using var telemetry = await OtlpTraceReceiver.StartAsync();
        Console.WriteLine("Booting the application…");
        var boot = Stopwatch.StartNew();
        await using var app = await BenchmarkApplication.StartAsync([], TimeSpan.FromMinutes(5), telemetry: telemetry);
        var healthyAfter = boot.Elapsed;

        var from = DateTimeOffset.UtcNow;
        Console.WriteLine($"Healthy after {healthyAfter.TotalSeconds:0} s; idle for {minutes} min…");
        for (var waited = TimeSpan.Zero; waited < idle; waited += TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromMinutes(1));
            Console.WriteLine($"  {waited.TotalMinutes + 1,3:0} min  traces begun while idle: {Traces(telemetry, from, DateTimeOffset.MaxValue).Count}");
        }

        var until = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5)); // the last spans' export (every second or so)

        var all = Traces(telemetry, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var whileIdle = Traces(telemetry, from, until);
        report.Add("idle for", minutes, "min");
        report.Add("every service healthy after", Math.Round(healthyAfter.TotalSeconds), "s");
        report.Add("spans exported, boot and idle", telemetry.Count);
        report.Add("traces, boot and idle (what the dashboard lists)", all.Count);
        report.Add("traces begun while idle", whileIdle.Count);
        report.Add("traces of the boot and the idle window, by first span", Summarise(all));
        await report.WriteAsync(output);
        return 0;
    }

    /// <summary>The traces that began in [from, until), each by its first span (the dashboard lists a trace by its id).</summary>
    private static List<ReceivedSpan> Traces(OtlpTraceReceiver telemetry, DateTimeOffset from, DateTimeOffset until) =>
        [.. telemetry.TraceStarts().Where(first => first.Start >= from && first.Start < until)];

    private static string Summarise(IEnumerable<ReceivedSpan> roots)
    {
        var groups = roots.GroupBy(root => $"{root.Service} '{root.Name}'{(root.IsRoot ? "" : " (its parent not exported)")}").OrderByDescending(group => group.Count()).ToList();
        return groups.Count == 0 ? "none" : string.Join("; ", groups.Select(group => $"{group.Count()} × {group.Key}"));
    }
}
