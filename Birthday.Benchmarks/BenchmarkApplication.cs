using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Birthday.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using System.Net.Http.Json;
using NodaTime.Text;

namespace Birthday.Benchmarks;

/// <summary>
/// The whole application booted for a benchmark, exactly as the README's run command boots it (host mode, every
/// replica), in a fresh temporary state folder, optionally in virtual time. Disposing stops every process it started.
/// </summary>
public sealed class BenchmarkApplication : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly string _stateDirectory;
    private readonly Dictionary<string, (string Name, string? State, int? Pid)> _instances = [];

    private BenchmarkApplication(DistributedApplication app, string stateDirectory)
    {
        _app = app;
        _stateDirectory = stateDirectory;
        _ = Task.Run(FollowInstancesAsync);
    }

    /// <summary>The host-mode state folder: a later start given the same folder finds the same data.</summary>
    public string StateDirectory => _stateDirectory;

    /// <summary>Leave the state folder in place when disposed (for a restart on the same state).</summary>
    public bool KeepState { get; set; }

    /// <param name="stateDirectory">An existing state folder to start on (a restart); a fresh temporary one otherwise.</param>
    /// <param name="telemetry">Where the services send their telemetry; by default where Aspire points them (a dashboard's address).</param>
    public static async Task<BenchmarkApplication> StartAsync(IEnumerable<string> settings, TimeSpan timeout, string? stateDirectory = null,
        OtlpTraceReceiver? telemetry = null)
    {
        var state = stateDirectory ?? Directory.CreateTempSubdirectory("birthday-bench-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
            ["--Infrastructure:Mode=host", $"--Infrastructure:StateDirectory={state}", .. settings]);
        // The benchmark's console shows its progress and its figures, and of the services' own logs (echoed under
        // "<AppHost>.Resources.<name>") only warnings and errors; the AppHost's appsettings would let everything through.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Birthday.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
            // Servers and services failing their health checks while they start is expected; StartAsync reports one
            // that never becomes healthy.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        if (telemetry is not null)
        {
            builder.ExportTelemetryTo(telemetry);
        }

        var app = await builder.BuildAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        await app.StartAsync(cancellation.Token);
        foreach (var resource in new[] { "gateway", "scheduler", "worker", "email-simulator" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
        }

        return new BenchmarkApplication(app, state);
    }

    public Task<string?> ConnectionStringAsync(string name) => _app.GetConnectionStringAsync(name).AsTask();

    public HttpClient CreateHttpClient(string resource, string? endpoint = null) => _app.CreateHttpClient(resource, endpoint);

    public Uri Endpoint(string resource, string endpoint = "http") => _app.GetEndpoint(resource, endpoint);

    public async Task<NpgsqlDataSource> DataSourceAsync()
    {
        var builder = new NpgsqlDataSourceBuilder(await ConnectionStringAsync("birthday"));
        builder.UseNodaTime();
        return builder.Build();
    }

    /// <summary>
    /// Moves the application's virtual clock to <paramref name="target"/> (if it is not already past it) through the api's
    /// <c>PUT /admin/v1/clock</c>, as the integration tests' VirtualTime does; every service follows within a fraction of a second.
    /// </summary>
    public async Task AdvanceClockToAsync(Instant target)
    {
        var key = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == "admin-api-key");
        // api-1 is never a fault's target (the faults benchmark kills and stops the servers, a worker and a scheduler).
        using var http = _app.CreateHttpClient("api-1");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/admin/v1/clock", UriKind.Relative))
        {
            Content = JsonContent.Create(new { now = InstantPattern.ExtendedIso.Format(target) }),
        };
        request.Headers.Add("X-Admin-Key", await key.GetValueAsync(CancellationToken.None));
        using var response = await http.SendAsync(request);
        // 409: the clock already reads later than the target.
        if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The dashboard's ids of a resource's running instances (one per replica) with their process ids.</summary>
    public IReadOnlyList<(string Id, int Pid)> RunningInstances(string resource)
    {
        lock (_instances)
        {
            return [.. _instances.Where(i => i.Value.Name == resource && i.Value.State == KnownResourceStates.Running && i.Value.Pid is not null)
                .Select(i => (i.Key, i.Value.Pid!.Value))];
        }
    }

    /// <summary>Runs a dashboard command (start, stop, restart) on one instance or a whole resource, and says whether it worked.</summary>
    public async Task<bool> CommandAsync(string resourceId, string command)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resourceId, command);
        return result.Success;
    }

    /// <summary>The instances of a project the AppHost adds one resource each (api-1, api-2, …).</summary>
    public IReadOnlyList<string> ProjectInstances(string name) =>
        [.. _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Select(r => r.Name)
            .Where(n => n.StartsWith($"{name}-", StringComparison.Ordinal) && n[(name.Length + 1)..].All(char.IsAsciiDigit))
            .Order(StringComparer.Ordinal)];

    public async Task WaitForHealthyAsync(string resource, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
    }

    private async Task FollowInstancesAsync()
    {
        await foreach (var update in _app.ResourceNotifications.WatchAsync())
        {
            var pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
            lock (_instances)
            {
                _instances[update.ResourceId] = (update.Resource.Name, update.Snapshot.State?.Text,
                    int.TryParse(Convert.ToString(pid, System.Globalization.CultureInfo.InvariantCulture), out var id) ? id : null);
            }
        }
    }

    public bool IsHealthy(string resource) =>
        _app.ResourceNotifications.TryGetCurrentState(resource, out var state) && state.Snapshot.HealthStatus == HealthStatus.Healthy;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (KeepState)
        {
            return;
        }

        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a server still closing a file; the folder is in /tmp
        }
    }
}
