using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Birthday.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Birthday.Tests.Integration;

/// <summary>
/// The whole application, booted once for every integration test: host-mode servers in a fresh temporary state folder,
/// all replicas, the gateway. Tests make their own data (unique names), so they never depend on each other's order.
/// The services export their telemetry to a receiver in the test process (<see cref="Telemetry"/>), where a dashboard
/// would otherwise receive it. Disposing stops everything and checks that no server process it started is left behind.
/// <para>
/// <c>BIRTHDAY_TESTS_INFRASTRUCTURE=containers</c> (or <c>auto</c> with an engine answering) boots the servers as
/// containers instead (the AppHost's container mode), with the images the AppHost's own settings name
/// (<c>Infrastructure__Images__Postgres</c>, …); only the <see cref="TestSubsets.Smoke"/> subset is meant for it
/// (scripts/container-smoke.sh): the rest reach into host processes.
/// </para>
/// </summary>
public sealed class BirthdayApplication(IMessageSink diagnostics) : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The environment variable that chooses how the servers run: <c>host</c> (the default), <c>containers</c> or <c>auto</c>.</summary>
    public const string InfrastructureVariable = "BIRTHDAY_TESTS_INFRASTRUCTURE";

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
        var started = System.Diagnostics.Stopwatch.StartNew();
        Telemetry = await OtlpTraceReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
        [
            $"--Infrastructure:Mode={InfrastructureMode}",
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

        diagnostics.OnMessage(new DiagnosticMessage(
            $"Birthday application healthy {started.Elapsed.TotalSeconds:F0} s after the build started ({InfrastructureMode} mode); state in {_stateDirectory}"));
    }

    /// <summary>How the servers run in this test run: <see cref="InfrastructureVariable"/>, host mode when unset.</summary>
    public static string InfrastructureMode =>
        Environment.GetEnvironmentVariable(InfrastructureVariable) is { Length: > 0 } mode ? mode.Trim().ToLowerInvariant() : "host";

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

    /// <summary>A request to an api instance's admin endpoints (which the gateway does not route), with the admin key.</summary>
    public async Task<HttpRequestMessage> CreateAdminRequestAsync(HttpMethod method, string path)
    {
        var key = Model.Resources.OfType<ParameterResource>().Single(p => p.Name == "admin-api-key");
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Admin-Key", await key.GetValueAsync(CancellationToken.None));
        return request;
    }

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
    /// Waits until every api instance's own check <paramref name="check"/> is Healthy. Aspire counts an instance that
    /// answers /health as healthy even while it reports Degraded (Redis not yet reconnected, say); a test that follows an
    /// outage must not meet an instance still catching up.
    /// </summary>
    public async Task WaitUntilEveryApiInstanceReportsHealthyAsync(string check, CancellationToken cancellationToken)
    {
        foreach (var api in ApiInstances)
        {
            using var http = App.CreateHttpClient(api);
            var last = "";
            await Eventually.HoldsAsync(async () =>
                {
                    using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                    last = await response.Content.ReadAsStringAsync(cancellationToken);
                    using var health = JsonDocument.Parse(last);
                    return health.RootElement.GetProperty("checks").TryGetProperty(check, out var entry)
                        && entry.GetProperty("status").GetString() == "Healthy";
                },
                TimeSpan.FromSeconds(60), () => $"{api}'s check {check} is not healthy: {last}");
        }
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

    /// <summary>The process id of each running instance of a resource, as Aspire reports it (for a project: the service itself).</summary>
    public IReadOnlyList<int> ProcessIds(string resourceName) => _health.ProcessIds(resourceName);

    public string LogTail(string resourceName, int lines = 40) => _logs.Tail([resourceName], lines);
}
