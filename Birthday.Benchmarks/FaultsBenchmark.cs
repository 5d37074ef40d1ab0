using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using NodaTime;
using Npgsql;

namespace Birthday.Benchmarks;

/// <summary>
/// The fault matrix. For each fault: a burst of messages due at one instant, the fault injected while they are being
/// delivered, and the same checks — every message delivered exactly once at the email service, no row left outside
/// Sent, the API (through the gateway, as a client uses it) answering again — with what the fault cost: how long the API
/// failed, how many of its requests failed, and how many extra calls the vendor received.
/// </summary>
public static class FaultsBenchmark
{
    public static readonly string[] AllRows = ["worker", "scheduler", "postgres", "replica", "redis", "rabbitmq", "restart"];

    private static readonly Instant FirstDue = Instant.FromUtc(2027, 6, 1, 8, 0);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan VendorLatencyMin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan VendorLatencyMax = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(int messages, IReadOnlyList<string> rows, string output)
    {
        var unknown = rows.Except(AllRows).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown rows: {string.Join(", ", unknown)}; known: {string.Join(", ", AllRows)}");
            return 2;
        }

        var name = rows.Count == AllRows.Length ? $"faults-{messages}" : $"faults-{messages}-{string.Join('-', rows)}";
        var report = new BenchmarkReport(name, $"./scripts/bench.sh faults --messages {messages} --rows {string.Join(',', rows)}");
        string[] settings =
        [
            $"--Parameters:clock-start={FirstDue - Duration.FromMinutes(10)}",
            "--Simulator:ErrorRate=0",
            // A vendor that takes 1–3 s per call stretches the burst over several seconds, so the fault lands in its middle.
            $"--Simulator:LatencyMinMs={VendorLatencyMin.TotalMilliseconds}",
            $"--Simulator:LatencyMaxMs={VendorLatencyMax.TotalMilliseconds}",
            "--Simulator:MaxRecords=1000000",
            "--Gateway:RateLimits:Disabled=true",
            // Leases and passes as short as the integration tests use, so a row a crash took comes back within seconds.
            "--Delivery:SendingLease=00:00:30",
            "--Delivery:EnqueuedLease=00:00:20",
            "--Scheduler:PollInterval=00:00:00.200",
            "--Scheduler:RecoveryInterval=00:00:01",
        ];
        Console.WriteLine("Booting the application…");
        var app = await BenchmarkApplication.StartAsync(settings, TimeSpan.FromMinutes(5));
        var allPassed = true;
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var fault = rows[i];
                Console.WriteLine($"[{fault}] {messages:N0} messages due at {FirstDue + Duration.FromHours(i)}");
                (var row, app) = await RunRowAsync(app, settings, fault, FirstDue + Duration.FromHours(i), messages, i);
                allPassed &= row.Passed;
                report.Add($"{fault}: every message delivered exactly once, all rows Sent", row.Passed ? "yes" : "NO");
                report.Add($"{fault}: all Sent, after the fault", row.AllSentAfter.TotalSeconds, "s");
                report.Add($"{fault}: rows not Sent", row.NotSent);
                report.Add($"{fault}: duplicate deliveries", row.DuplicateDeliveries);
                report.Add($"{fault}: extra vendor calls", row.ExtraVendorCalls);
                report.Add($"{fault}: API requests failed / made", $"{row.ApiFailures} / {row.ApiRequests}");
                report.Add($"{fault}: API answering again after the fault", row.ApiRecoveredAfter.TotalSeconds, "s");
                report.Add($"{fault}: read-your-writes misses", row.ReadYourWritesMisses);
                Console.WriteLine($"[{fault}] {(row.Passed ? "passed" : "FAILED")}: {row}");
            }
        }
        finally
        {
            await app.DisposeAsync();
        }

        await report.WriteAsync(output);
        return allPassed ? 0 : 1;
    }

    private static async Task<(RowResult Row, BenchmarkApplication App)> RunRowAsync(
        BenchmarkApplication app, string[] settings, string fault, Instant dueAt, int messages, int index)
    {
        await using (var database = await app.DataSourceAsync())
        {
            await DeliveryBenchmark.WaitForVirtualClockAsync(database);
            await DeliveryBenchmark.LoadAsync(database, messages, DeliveryBenchmark.ZonesAtNineAm(dueAt), dueAt, $"fault{index}-");
        }

        using (var simulator = app.CreateHttpClient("email-simulator"))
        {
            (await simulator.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        var clock = Stopwatch.StartNew();
        var probe = await ApiProbe.StartAsync(app.CreateHttpClient("gateway", "http"), clock);
        await using (var database = await app.DataSourceAsync())
        {
            await app.AdvanceClockToAsync(dueAt - Duration.FromMilliseconds(500));
            await WaitForBurstToStartAsync(app, database, fault, dueAt, messages);
        }

        var faultAt = clock.Elapsed;
        Console.WriteLine($"[{fault}] injecting at {faultAt.TotalSeconds:0.0} s");
        var before = new VendorCounts(0, 0, 0);
        if (fault == "restart")
        {
            // Ctrl+C in the middle of the burst: the AppHost stops everything gracefully; then it starts again on the same
            // state. The simulator forgets what it received when it stops, so first it refuses new sends (an outage, which
            // the workers retry later) and what it delivered is read once no call can still be in flight; the new simulator
            // counts the rest, and the two counts together must make exactly one delivery per message.
            before = await StopVendorAndCountAsync(app);
            await probe.DisposeAsync();
            app.KeepState = true;
            var state = app.StateDirectory;
            await app.DisposeAsync();
            app = await BenchmarkApplication.StartAsync(settings, TimeSpan.FromMinutes(5), state);
            var downFor = clock.Elapsed - faultAt;
            probe = await ApiProbe.StartAsync(app.CreateHttpClient("gateway", "http"), clock);
            faultAt = clock.Elapsed; // the API is judged from when the application answered again
            Console.WriteLine($"[{fault}] running again after {downFor.TotalSeconds:0.0} s");
        }
        string? stopped = null;
        if (fault != "restart")
        {
            stopped = await InjectAsync(app, fault);
        }

        RowResult row;
        await using (var database = await app.DataSourceAsync())
        {
            var allSent = await WaitForAllSentAsync(database, dueAt, messages);
            await Task.Delay(TimeSpan.FromSeconds(2)); // a last probe or two after the burst
            await probe.DisposeAsync();
            using var simulator = app.CreateHttpClient("email-simulator");
            var after = VendorCounts.From(await simulator.GetFromJsonAsync<JsonElement>("/stats"));
            var notSent = await CountAsync(database, "status <> 'Sent'", dueAt);
            var deliveries = before.Deliveries + after.Deliveries;
            var duplicates = before.DuplicateDeliveries + after.DuplicateDeliveries;
            row = new RowResult(
                Passed: allSent is not null && notSent == 0 && deliveries == messages && duplicates == 0,
                AllSentAfter: allSent ?? DeliveryDeadline,
                NotSent: notSent,
                DuplicateDeliveries: duplicates + Math.Max(0, deliveries - messages),
                ExtraVendorCalls: before.Requests + after.Requests - messages,
                ApiRequests: probe.Requests,
                ApiFailures: probe.Failures,
                ApiRecoveredAfter: probe.LastFailure is { } last && last > faultAt ? last - faultAt : TimeSpan.Zero,
                ReadYourWritesMisses: probe.ReadYourWritesMisses);
        }

        await RestoreAsync(app, fault, stopped);
        return (row, app);
    }

    private static async Task<VendorCounts> StopVendorAndCountAsync(BenchmarkApplication app)
    {
        using var simulator = app.CreateHttpClient("email-simulator");
        // Long enough to outlast the stop that follows; its Retry-After is what the refused sends wait before they retry.
        (await simulator.PostAsJsonAsync(new Uri("/admin/outage", UriKind.Relative), new { seconds = 30 })).EnsureSuccessStatusCode();
        await Task.Delay(VendorLatencyMax + TimeSpan.FromSeconds(1));
        return VendorCounts.From(await simulator.GetFromJsonAsync<JsonElement>("/stats"));
    }

    /// <summary>What the email service counted: calls, deliveries, and deliveries that repeated an idempotency key.</summary>
    private sealed record VendorCounts(long Requests, long Deliveries, long DuplicateDeliveries)
    {
        public static VendorCounts From(JsonElement stats) => new(
            stats.GetProperty("requests").GetInt64(),
            stats.GetProperty("deliveries").GetInt64(),
            stats.GetProperty("duplicateDeliveries").GetInt64());
    }

    /// <summary>The scheduler is killed while it claims (as soon as rows leave Pending); anything else once a tenth is delivered.</summary>
    private static async Task WaitForBurstToStartAsync(BenchmarkApplication app, NpgsqlDataSource database, string fault, Instant dueAt, int messages)
    {
        using var simulator = app.CreateHttpClient("email-simulator");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            var started = fault == "scheduler"
                ? await CountAsync(database, "status <> 'Pending'", dueAt) > 0
                : (await simulator.GetFromJsonAsync<JsonElement>("/stats")).GetProperty("deliveries").GetInt64() >= messages / 10;
            if (started)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the burst due at {dueAt} never started");
    }

    /// <returns>The instance that was stopped and stays down until the burst is over, if the fault names one.</returns>
    private static async Task<string?> InjectAsync(BenchmarkApplication app, string fault)
    {
        switch (fault)
        {
            case "worker" or "scheduler":
                // SIGKILL of the service itself (started from its build output, no `dotnet run` in between); its other
                // replica carries on.
                var (id, service) = app.RunningInstances(fault)[0];
                Kill(service);
                return id;
            case "postgres":
                Kill(app.RunningInstances("postgres")[0].Pid); // the postmaster: an immediate, unclean stop
                await Task.Delay(TimeSpan.FromSeconds(3));
                await StartAgainAsync(app, "postgres");
                return null;
            case "replica":
                var replica = app.RunningInstances("postgres-replica")[0].Id;
                await app.CommandAsync(replica, KnownResourceCommands.StopCommand);
                return replica;
            case "redis":
                Kill(app.RunningInstances("cache")[0].Pid);
                return null;
            case "rabbitmq":
                // The Erlang VM of node 1 (the script Aspire started is its parent), killed outright.
                KillChildrenOf(app.RunningInstances("messaging-1")[0].Pid);
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault");
        }
    }

    /// <summary>After the burst: what was killed or stopped runs again, so the next row starts from a whole application.</summary>
    private static async Task RestoreAsync(BenchmarkApplication app, string fault, string? stopped)
    {
        switch (fault)
        {
            case "worker" or "scheduler" or "replica" when stopped is not null:
                await app.CommandAsync(stopped, KnownResourceCommands.StartCommand);
                await app.WaitForHealthyAsync(fault == "replica" ? "postgres-replica" : fault, TimeSpan.FromMinutes(2));
                break;
            case "redis":
                await StartAgainAsync(app, "cache");
                break;
            case "rabbitmq":
                await StartAgainAsync(app, "messaging-1");
                break;
        }
    }

    private static async Task StartAgainAsync(BenchmarkApplication app, string resource)
    {
        // Aspire notices the exit a moment later; until then a start command finds the resource still running.
        for (var attempt = 0; attempt < 50 && !await app.CommandAsync(resource, KnownResourceCommands.StartCommand); attempt++)
        {
            await Task.Delay(200);
        }

        await app.WaitForHealthyAsync(resource, TimeSpan.FromMinutes(2));
    }

    private static async Task<TimeSpan?> WaitForAllSentAsync(NpgsqlDataSource database, Instant dueAt, int messages)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < DeliveryDeadline)
        {
            try
            {
                if (await CountAsync(database, "status = 'Sent'", dueAt) == messages)
                {
                    return clock.Elapsed;
                }
            }
            catch (NpgsqlException)
            {
                // the primary is away for a moment (the postgres row)
            }

            await Task.Delay(500);
        }

        return null;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, string condition, Instant dueAt)
    {
        await using var command = database.CreateCommand($"SELECT count(*) FROM messages WHERE due_at = @due AND {condition}");
        command.Parameters.AddWithValue("due", dueAt);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void KillChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentOf(pid) == parent)
            {
                Kill(pid);
            }
        }
    }

    private static int? ParentOf(int pid) => ProcessStat.Read($"/proc/{pid}")?.ParentId;

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: false);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    private sealed record RowResult(
        bool Passed, TimeSpan AllSentAfter, long NotSent, long DuplicateDeliveries, long ExtraVendorCalls,
        int ApiRequests, int ApiFailures, TimeSpan ApiRecoveredAfter, int ReadYourWritesMisses);
}
