using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Birthday.Benchmarks;

/// <summary>
/// What a client sees right after a start: the application is booted, and the moment every api instance and the gateway
/// report healthy, a burst of concurrent creates goes through the gateway; then, a few seconds later, the same burst
/// again on the warm application. A cold process compiles each method on its first call and opens its database
/// connections on demand, so without a warm-up before "healthy" the first burst is many times slower than the next.
/// </summary>
public static class FirstBurstBenchmark
{
    public static async Task<int> RunAsync(int concurrency, int rounds, string output)
    {
        var report = new BenchmarkReport("first-burst", $"./scripts/bench.sh first-burst --concurrency {concurrency} --rounds {rounds}");
        report.Add("application", "booted by the benchmark (no dashboard), rate limits off; each round a fresh state folder");
        var failures = 0;
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"Round {round}: booting the application…");
            var started = Stopwatch.StartNew();
            await using var app = await BenchmarkApplication.StartAsync(["--Gateway:RateLimits:Disabled=true"], TimeSpan.FromMinutes(5));
            foreach (var api in app.ProjectInstances("api"))
            {
                await app.WaitForHealthyAsync(api, TimeSpan.FromMinutes(2));
            }

            report.Add($"round {round}: every api instance and the gateway healthy after", started.Elapsed.TotalSeconds, "s");
            using var http = new HttpClient { BaseAddress = app.Endpoint("gateway"), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var (label, pause) in new[] { ("first burst", TimeSpan.Zero), ("warm burst, 5 s later", TimeSpan.FromSeconds(5)) })
            {
                await Task.Delay(pause);
                var (latencies, errors) = await BurstAsync(http, concurrency);
                failures += errors;
                report.Add($"round {round}: {label}, {concurrency} concurrent creates: p50 / max",
                    $"{Percentile(latencies, 0.5):0} / {latencies.Max():0} ms");
                report.Add($"round {round}: {label}: answers other than 201", errors);
            }
        }

        await report.WriteAsync(output);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(double[] LatenciesMs, int Errors)> BurstAsync(HttpClient http, int concurrency)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await http.PostAsJsonAsync("/api/v1/users", new
                {
                    firstName = "First",
                    lastName = "Burst",
                    email = $"first-burst-{Guid.NewGuid():N}@example.com",
                    timezone = "Europe/Lisbon",
                    birthdayDate = "1988-03-14",
                    anniversaryDate = "2016-09-01",
                });
                return (clock.Elapsed.TotalMilliseconds, response.StatusCode == HttpStatusCode.Created);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return (clock.Elapsed.TotalMilliseconds, false);
            }
        }));
        return ([.. results.Select(r => r.Item1)], results.Count(r => !r.Item2));
    }

    private static double Percentile(double[] values, double quantile)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(quantile * sorted.Length))];
    }
}
