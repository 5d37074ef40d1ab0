using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Birthday.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Birthday.Tests.Integration;

/// <summary>
/// The whole application, booted once for every integration test: host-mode servers in a fresh temporary state folder,
/// all replicas, the gateway. Tests make their own data (unique names), so they never depend on each other's order.
/// The services export their telemetry to a receiver in the test process (<see cref="Telemetry"/>), where a dashboard
/// would otherwise receive it. Disposing stops everything and checks that no server process it started is left behind.
/// </summary>
public sealed class BirthdayApplication(IMessageSink diagnostics) : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("birthday-tests-").FullName;
    private readonly ResourceLogs _logs = new();
    private readonly ServerProcesses _serverProcesses = new();
    private readonly ResourceHealth _health = new();
    private DistributedApplication? _app;

    /// <summary>The virtual instant the application starts at; tests move time forward from there, never back.</summary>
    public const string VirtualStart = "2027-02-26T12:00:00Z";

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>The certificate the gateway serves HTTPS with (its "https" endpoint).</summary>
    public GatewayCertificate Certificate { get; private set; } = null!;

    public DistributedApplicationModel Model => App.Services.GetRequiredService<DistributedApplicationModel>();

    /// <summary>Every span the services have exported since the application started: the traces a dashboard would list.</summary>
    public OtlpTraceReceiver Telemetry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificate = GatewayCertificate.Create(_stateDirectory);
        Telemetry = await OtlpTraceReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
        [
            "--Infrastructure:Mode=host",
            $"--Infrastructure:StateDirectory={_stateDirectory}",
            $"--Parameters:clock-start={VirtualStart}",
            // Short waits, so retries, recoveries and hung calls play out in seconds rather than minutes.
            "--Delivery:FirstRetryDelay=00:00:02",
            "--Delivery:MaxRetryDelay=00:00:10",
            "--Delivery:SendingLease=00:00:30",
            "--Delivery:EnqueuedLease=00:00:20",
            "--Scheduler:PollInterval=00:00:00.200",
            "--Scheduler:RecoveryInterval=00:00:01",
            "--Scheduler:RepairInterval=00:00:30",
            "--EmailService:AttemptTimeout=00:00:03",
            "--EmailService:BreakDuration=00:00:03",
            // The vendor behaves unless a test asks it not to (through its admin endpoints).
            "--Simulator:ErrorRate=0",
            // Limits the test traffic stays under, except where a test means to cross them (API reads).
            "--Gateway:RateLimits:GeneralPerSecond=2000",
            "--Gateway:RateLimits:GeneralBurst=4000",
            "--Gateway:RateLimits:ApiPerSecond=100",
            "--Gateway:RateLimits:ApiBurst=200",
            "--Gateway:RateLimits:WritesPerSecond=500",
            "--Gateway:RateLimits:WritesBurst=500",
            "--Gateway:RateLimits:ConcurrentRequestsPerClient=1000",
            "--Gateway:ExposeServedBy=true",
            // Every test client comes from 127.0.0.1, and the rate-limit test alone opens some 500 connections at once.
            "--Gateway:Edge:MaxConnectionsPerClient=1000",
            // Slow-loris connections are cut off sooner than in production, so the test that opens them is short.
            "--Gateway:Edge:RequestHeadersTimeout=00:00:05",
            $"--GatewayCertificate:Path={Certificate.Path}",
            $"--GatewayCertificate:Password={GatewayCertificate.Password}",
        ]);
        builder.ExportTelemetryTo(Telemetry);
        _app = await builder.BuildAsync();
        _logs.Follow(_app);
        _serverProcesses.Follow(_app);
        _health.Follow(_app);

        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        var names = Model.Resources.Where(r => r.HasHealthChecks()).Select(r => r.Name).ToList();
        try
        {
            while (!names.All(IsHealthy))
            {
                // A service that exits while starting (bad settings, a crash) never becomes healthy: say so at once.
                if (names.FirstOrDefault(_health.AnyStopped) is { } exited)
                {
                    throw new InvalidOperationException($"{exited} exited while the application was starting.\n{_logs.Tail([exited], 40)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            var unhealthy = names.Where(n => !IsHealthy(n)).ToList();
            throw new TimeoutException(
                $"Not healthy after {StartTimeout}: {string.Join(", ", unhealthy)}.\n{_logs.Tail(unhealthy, 40)}");
        }

        diagnostics.OnMessage(new DiagnosticMessage($"Birthday application healthy; state in {_stateDirectory}"));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }

        var survivors = await _serverProcesses.WaitUntilAllExitedAsync(_stateDirectory, TimeSpan.FromSeconds(45));
        if (survivors.Count == 0)
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }

        Assert.True(survivors.Count == 0,
            $"Server processes the test run started are still running: {string.Join("; ", survivors)}");
    }

    /// <summary>The users API's instances (api-1, api-2, …), in order: as many as this machine has cores, two at least.</summary>
    public IReadOnlyList<string> ApiInstances =>
        [.. Model.Resources.OfType<ProjectResource>().Select(r => r.Name)
            .Where(name => name.StartsWith("api-", StringComparison.Ordinal) && name[4..].All(char.IsAsciiDigit))
            .Order(StringComparer.Ordinal)];

    public HttpClient CreateGatewayClient() => App.CreateHttpClient("gateway", "http");

    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName)
        ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>True when every instance of the resource (each replica of a project) reports healthy.</summary>
    public bool IsHealthy(string resourceName) => _health.IsHealthy(resourceName);

    /// <summary>Stops every instance of a resource (each replica of a project) through the dashboard's Stop command, and waits until all are down.</summary>
    public async Task StopResourceAsync(string name, CancellationToken cancellationToken)
    {
        var resource = Model.Resources.Single(r => r.Name == name);
        while (!_health.AllStopped(name))
        {
            // Aspire gives up waiting after a few seconds ("Failed to stop resource") while a busy process is still
            // shutting down; the stop goes on, so look again and ask again until every instance is down.
            await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
            for (var i = 0; i < 50 && !_health.AllStopped(name); i++)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Kills a running resource's process tree, as a crash would (no graceful shutdown), and waits until Aspire sees it gone.
    /// </summary>
    public async Task KillResourceAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var pid in _health.ProcessIds(name))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        while (!_health.AllStopped(name))
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Starts every instance of a resource again and waits until all are healthy and the gateway routes to every api
    /// instance again, so the tests after this one find the application as it should be.
    /// </summary>
    public async Task StartResourceAsync(string name, CancellationToken cancellationToken)
    {
        var resource = Model.Resources.Single(r => r.Name == name);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"starting {name} failed: {result.Message}");
        while (!IsHealthy(name))
        {
            await Task.Delay(100, cancellationToken);
        }

        await WaitUntilEverythingIsHealthyAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until every resource with a health check is healthy again and the gateway routes to every api instance: a
    /// resource made of others (the RabbitMQ cluster) and the gateway's own probes notice a restart a little later.
    /// </summary>
    public async Task WaitUntilEverythingIsHealthyAsync(CancellationToken cancellationToken)
    {
        var names = Model.Resources.Where(r => r.HasHealthChecks()).Select(r => r.Name).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(names.All(IsHealthy)), TimeSpan.FromSeconds(60),
            () => $"not healthy again: {string.Join(", ", names.Where(n => !IsHealthy(n)))}");
        await WaitUntilTheGatewayIsHealthyAsync(cancellationToken);
    }

    /// <summary>
    /// Aspire's health checks see a restarted api instance before the gateway's own active probe (every 2 s) has
    /// counted it back in; until then the gateway reports Degraded.
    /// </summary>
    private async Task WaitUntilTheGatewayIsHealthyAsync(CancellationToken cancellationToken)
    {
        using var gateway = CreateGatewayClient();
        var last = "";
        await Eventually.HoldsAsync(async () =>
            {
                using var response = await gateway.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                last = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                using var health = JsonDocument.Parse(last);
                return health.RootElement.GetProperty("status").GetString() == "Healthy";
            },
            TimeSpan.FromSeconds(20), () => $"the gateway is not healthy 20 s after a restart: {last}");
    }

    /// <summary>The process id of each running instance of a resource, as Aspire reports it (for a project: its <c>dotnet run</c>).</summary>
    public IReadOnlyList<int> ProcessIds(string resourceName) => _health.ProcessIds(resourceName);

    public string LogTail(string resourceName, int lines = 40) => _logs.Tail([resourceName], lines);
}

[CollectionDefinition(Name)]
public sealed class BirthdayApplicationGroup : ICollectionFixture<BirthdayApplication>
{
    public const string Name = "Birthday application";
}

internal static class ResourceExtensions
{
    public static bool HasHealthChecks(this IResource resource) => resource.Annotations.OfType<HealthCheckAnnotation>().Any();
}

/// <summary>The latest health of every resource instance: a replicated project has one instance per replica.</summary>
internal sealed class ResourceHealth
{
    private readonly Dictionary<string, (string Name, string? State, HealthStatus? Status, int? Pid)> _instances = [];

    public void Follow(DistributedApplication app) => _ = Task.Run(async () =>
    {
        await foreach (var update in app.ResourceNotifications.WatchAsync())
        {
            lock (_instances)
            {
                var pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
                _instances[update.ResourceId] = (update.Resource.Name, update.Snapshot.State?.Text, update.Snapshot.HealthStatus,
                    int.TryParse(Convert.ToString(pid, System.Globalization.CultureInfo.InvariantCulture), out var id) ? id : null);
            }
        }
    });

    public bool IsHealthy(string resourceName)
    {
        lock (_instances)
        {
            var instances = _instances.Values.Where(i => i.Name == resourceName).ToList();
            return instances.Count > 0 && instances.All(i => i.Status == HealthStatus.Healthy && i.State == KnownResourceStates.Running);
        }
    }

    public IReadOnlyList<int> ProcessIds(string resourceName)
    {
        lock (_instances)
        {
            return [.. _instances.Values.Where(i => i.Name == resourceName && i.Pid is not null).Select(i => i.Pid!.Value)];
        }
    }

    public bool AnyStopped(string resourceName)
    {
        lock (_instances)
        {
            return _instances.Values.Any(i => i.Name == resourceName && KnownResourceStates.TerminalStates.Contains(i.State));
        }
    }

    public bool AllStopped(string resourceName)
    {
        lock (_instances)
        {
            var instances = _instances.Values.Where(i => i.Name == resourceName).ToList();
            return instances.Count > 0 && instances.All(i => KnownResourceStates.TerminalStates.Contains(i.State));
        }
    }
}

/// <summary>Keeps every resource's recent log lines, so a failure can say what the server said.</summary>
internal sealed class ResourceLogs
{
    private readonly Dictionary<string, Queue<string>> _lines = [];

    public void Follow(DistributedApplication app)
    {
        var loggerService = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            _ = Task.Run(async () =>
            {
                await foreach (var batch in loggerService.WatchAsync(resource.Name))
                {
                    lock (_lines)
                    {
                        var queue = _lines.TryGetValue(resource.Name, out var q) ? q : _lines[resource.Name] = new Queue<string>();
                        foreach (var line in batch)
                        {
                            queue.Enqueue(line.Content);
                            if (queue.Count > 200)
                            {
                                queue.Dequeue();
                            }
                        }
                    }
                }
            });
        }
    }

    public string Tail(IEnumerable<string> resourceNames, int lines)
    {
        var text = new StringBuilder();
        lock (_lines)
        {
            foreach (var name in resourceNames)
            {
                text.Append("--- ").Append(name).AppendLine(" ---");
                if (_lines.TryGetValue(name, out var queue))
                {
                    foreach (var line in queue.TakeLast(lines))
                    {
                        text.AppendLine(line);
                    }
                }
            }
        }

        return text.ToString();
    }
}
