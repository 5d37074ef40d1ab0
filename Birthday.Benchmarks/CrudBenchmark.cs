using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Birthday.Benchmarks;

/// <summary>
/// The users API under the workload the Node system it replaces was measured with: a CRUD mix of 40 % creates, 30 %
/// reads, 20 % updates and 10 % deletes, each connection cycling through the same ten steps on users it created itself,
/// at 10 and at 64 connections; then creates alone at 64 connections, reads of a thousand cached users at 64
/// connections, and updates alone of the same users. Everything goes through the gateway. Beside throughput and latency
/// it prints the CPU each part of the machine spent per request, which says where a request's cost lies.
/// </summary>
public static class CrudBenchmark
{
    private enum Step { Create, Read, Update, Delete }

    /// <summary>Four creates, three reads, two updates, one delete; reads and updates touch a user this connection made.</summary>
    private static readonly Step[] Cycle =
        [Step.Create, Step.Read, Step.Create, Step.Update, Step.Read, Step.Create, Step.Delete, Step.Read, Step.Create, Step.Update];

    /// <summary>The AppHost's setting for the share of traces kept while running (Birthday.Hosting's TraceSamplingExtensions).</summary>
    private const string TraceSampleRatioSetting = "Telemetry:TraceSampleRatio";

    private static readonly string[] Zones = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Melbourne", "Pacific/Honolulu", "Asia/Kathmandu"];

    /// <param name="gateway">A running application's gateway (started by run.sh, with its dashboard); null boots one for the run.</param>
    /// <param name="traceSampleRatio">
    /// The share of traces kept, as production sets it (<c>TRACE_SAMPLE_RATIO</c>); null keeps every trace, as while
    /// developing. With <paramref name="gateway"/> it only names the share run.sh was started with.
    /// </param>
    public static async Task<int> RunAsync(IReadOnlyList<int> connectionCounts, TimeSpan duration, Uri? gateway, double? traceSampleRatio, string output)
    {
        var ratio = traceSampleRatio?.ToString(CultureInfo.InvariantCulture);
        var command = $"./scripts/bench.sh crud --connections {string.Join(',', connectionCounts)} --seconds {duration.TotalSeconds}"
            + (gateway is null ? "" : $" --gateway {gateway}")
            + (ratio is null ? "" : $" --trace-sample-ratio {ratio}");
        var report = new BenchmarkReport((gateway is null ? "crud" : "crud-with-dashboard") + (ratio is null ? "" : $"-sampled-{ratio}"), command);
        var sampling = ratio is null ? "every trace kept" : $"traces sampled as production sets them, a share of {ratio}";
        report.Add("application", gateway is null
            ? $"booted by the benchmark (no dashboard), rate limits off, {sampling}"
            : $"already running at {gateway} (./scripts/run.sh --Gateway:RateLimits:Disabled=true"
                + (ratio is null ? "" : $" --{TraceSampleRatioSetting}={ratio}") + $", dashboard receiving telemetry), {sampling}");

        BenchmarkApplication? app = null;
        if (gateway is null)
        {
            Console.WriteLine("Booting the application…");
            app = await BenchmarkApplication.StartAsync(
                ["--Gateway:RateLimits:Disabled=true", .. ratio is null ? Array.Empty<string>() : [$"--{TraceSampleRatioSetting}={ratio}"]],
                TimeSpan.FromMinutes(5));
            gateway = app.Endpoint("gateway");
        }

        long errors = 0;
        try
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            Console.WriteLine("Warming up: the CRUD mix at 64 connections for 10 s (not counted)…");
            await LoadGenerator.RunAsync(gateway, 64, TimeSpan.FromSeconds(10), TimeSpan.Zero, MixFor($"{run}w"));

            for (var phase = 0; phase < connectionCounts.Count; phase++)
            {
                var connections = connectionCounts[phase];
                // A count given twice is measured twice (how the figures settle as tiering finishes): each phase is named apart.
                var repeat = connectionCounts.Take(phase).Count(c => c == connections);
                var label = $"CRUD mix, {connections} connections" + (repeat == 0 ? "" : $", again ({repeat + 1})");
                Console.WriteLine($"{label}, 40/30/20/10 through the gateway, {duration.TotalSeconds} s…");
                errors += await MeasureAsync(report, label, () =>
                    LoadGenerator.RunAsync(gateway, connections, duration, TimeSpan.Zero, MixFor($"{run}p{phase}")));
            }

            // The api's cost of a create alone, the figure its goal names (the mix's figure averages four kinds of request).
            Console.WriteLine($"Creates only, 64 connections through the gateway, {duration.TotalSeconds} s…");
            errors += await MeasureAsync(report, "Creates only, 64 connections", () =>
                LoadGenerator.RunAsync(gateway, 64, duration, TimeSpan.Zero, CreatesFor($"{run}c")));

            var cached = await CreateUsersAsync(gateway, run, 1000);
            await LoadGenerator.RunAsync(gateway, 64, TimeSpan.FromSeconds(3), TimeSpan.Zero, _ => ReadAmong(cached)); // every one cached, warm
            Console.WriteLine($"GET a cached user through the gateway, 64 connections, {duration.TotalSeconds} s…");
            errors += await MeasureAsync(report, "GET a cached user, 64 connections", () =>
                LoadGenerator.RunAsync(gateway, 64, duration, TimeSpan.Zero, _ => ReadAmong(cached)));

            // The api's cost of an update alone (a rename: the user's row and the texts of both its open messages), on the
            // users just read: last, since each update drops a user from the gateways' memory.
            Console.WriteLine($"Updates only, 64 connections through the gateway, {duration.TotalSeconds} s…");
            errors += await MeasureAsync(report, "Updates only, 64 connections", () =>
                LoadGenerator.RunAsync(gateway, 64, duration, TimeSpan.Zero, _ => RenameAmong(cached)));
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        report.Add("errors (any answer other than 2xx)", errors);
        await report.WriteAsync(output);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<long> MeasureAsync(BenchmarkReport report, string label, Func<Task<LoadResult>> load)
    {
        var cpu = new ProcessCpuSampler();
        await using var machine = new MachineSampler();
        var result = await load();
        var busy = machine.AverageBusyCores();
        report.Add($"{label}: throughput", result.RequestsPerSecond, "req/s");
        report.Add($"{label}: p50 / p95 / p99 / max", $"{result.P50Ms:0.0} / {result.P95Ms:0.0} / {result.P99Ms:0.0} / {result.MaxMs:0.0} ms");
        report.Add($"{label}: requests, errors", $"{result.Requests:N0}, {result.Errors:N0}");
        report.Add($"{label}: busy cores (machine)", busy, $"of {Environment.ProcessorCount}");
        foreach (var (part, seconds) in cpu.SecondsByPart())
        {
            report.Add($"{label}: CPU per request, {part}", seconds * 1000 / Math.Max(1, result.Requests), "ms");
        }

        return result.Errors;
    }

    /// <summary>One connection's sender: the ten-step cycle over the users it created and has not deleted.</summary>
    private static Func<int, Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>>> MixFor(string run) => connection =>
    {
        var mine = new List<string>();
        var step = 0;
        return async (http, n, ct) =>
        {
            var next = Cycle[step++ % Cycle.Length];
            if (next != Step.Create && mine.Count == 0)
            {
                next = Step.Create;
            }

            switch (next)
            {
                case Step.Create:
                    var (status, id) = await CreateAsync(http, $"{run}-{connection}-{n}", n, ct);
                    if (id is not null)
                    {
                        mine.Add(id);
                    }

                    return status;
                case Step.Read:
                    return await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/{mine[^1]}"), ct);
                case Step.Update:
                    return await SendAsync(http, Rename(mine[(int)(n % mine.Count)], n), ct);
                default:
                    var oldest = mine[0];
                    mine.RemoveAt(0);
                    return await SendAsync(http, new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{oldest}"), ct);
            }
        };
    };

    private static Func<int, Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>>> CreatesFor(string run) => connection =>
        async (http, n, ct) => (await CreateAsync(http, $"{run}-{connection}-{n}", n, ct)).Status;

    private static Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>> ReadAmong(IReadOnlyList<string> ids) => (http, n, ct) =>
        SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/users/{ids[(int)(n % ids.Count)]}"), ct);

    private static Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>> RenameAmong(IReadOnlyList<string> ids) => (http, n, ct) =>
        SendAsync(http, Rename(ids[(int)(n % ids.Count)], n), ct);

    private static HttpRequestMessage Rename(string id, long n) => new(HttpMethod.Put, $"/api/v1/users/{id}")
    {
        Content = JsonContent.Create(new { firstName = $"Renamed{n % 7}", locationCity = "Lisbon" }),
    };

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        using (var response = await http.SendAsync(request, ct))
        {
            await response.Content.CopyToAsync(Stream.Null, ct);
            return response.StatusCode;
        }
    }

    private static async Task<(HttpStatusCode Status, string? Id)> CreateAsync(HttpClient http, string unique, long n, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/users", new
        {
            firstName = "Crud",
            lastName = "Mix",
            email = $"crud-{unique}@example.com",
            timezone = Zones[n % Zones.Length],
            birthdayDate = "1988-03-14",
            anniversaryDate = "2016-09-01",
        }, ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (response.StatusCode, null);
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return (response.StatusCode, body.RootElement.GetProperty("id").GetString());
    }

    private static async Task<IReadOnlyList<string>> CreateUsersAsync(Uri gateway, string run, int count)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var (status, id) = await CreateAsync(http, $"{run}-cached-{i}", i, CancellationToken.None);
            ids.Add(id ?? throw new InvalidOperationException($"creating a user to read answered {(int)status}"));
        }

        return ids;
    }
}
