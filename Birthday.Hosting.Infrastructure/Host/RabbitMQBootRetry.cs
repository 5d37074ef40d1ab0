using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// Starts a host-mode RabbitMQ node again when it fails its boot: it ends before it was ever healthy, and nobody stopped
/// it. RabbitMQ 3.10 (Debian 12's) can stop at boot with <c>incompatible_feature_flags</c> when a peer loads its plugins
/// at the moment it compares feature flags with that peer; all nodes of an existing cluster start at once, so a restart
/// with kept state can meet it, and the next boot joins. Without this the cluster waits for that node for good, and so do
/// the scheduler and the workers. A node that was healthy and then stopped or died is left alone: that is someone's
/// command, or a fault the rest of the system must ride out.
/// </summary>
/// <remarks>
/// The exit code says nothing here: Debian's <c>rabbitmq-server</c> script waits for the Erlang VM it started with
/// <c>wait … || true</c>, so a VM that stopped at boot ends the script with 0. Looking for an error code, this retried
/// none of the two such boots seen in one morning's starts (2026-12-02); the scheduler and workers never started.
/// It watches from <see cref="StartingAsync"/>, before any hosted service starts: Aspire's orchestrator finishes its own
/// start only once every resource it waits for has started, the scheduler and workers included, and they wait for this
/// cluster. As an ordinary hosted service, started after the orchestrator's, it never saw a node fail its first boot.
/// </remarks>
internal sealed partial class RabbitMQBootRetry(
    IReadOnlyCollection<IResource> nodes,
    ResourceNotificationService notifications,
    Func<string, CancellationToken, Task> startNode,
    IHostApplicationLifetime lifetime,
    ILogger<RabbitMQBootRetry> logger) : IHostedLifecycleService, IDisposable
{
    private const int MaxRetriesPerNode = 3;
    private static readonly TimeSpan PauseBeforeRetry = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Called here, not queued to the thread pool: the watch subscribes to updates before its first wait, so it is
        // subscribed when this returns. Queued, it could start after a node's first updates and see only the last one
        // (CI, 2026-12-02: a node that was healthy and then ended looked like a failed boot, and was started again).
        _watching = WatchAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Nodes that end from here on are being stopped with the application: none is started again.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        var nodesById = new Dictionary<string, NodeBoot>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!nodes.Contains(update.Resource))
                {
                    continue;
                }

                var boot = nodesById.TryGetValue(update.ResourceId, out var known) ? known : nodesById[update.ResourceId] = new NodeBoot();
                if (!boot.Observe(update.Snapshot) || boot.Retries >= MaxRetriesPerNode || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    continue;
                }

                boot.Retries++;
                BootFailed(logger, update.Resource.Name, update.Snapshot.ExitCode, boot.Retries, MaxRetriesPerNode);
                await Task.Delay(PauseBeforeRetry, stoppingToken);
                if (!lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    await StartAgainAsync(update.Resource.Name, update.ResourceId, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the application is stopping
        }
    }

    /// <summary>A start that fails is logged and the watch goes on: the node's next end is another chance.</summary>
    private async Task StartAgainAsync(string node, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await startNode(resourceId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            StartFailed(logger, node, ex);
        }
    }

    private sealed class NodeBoot
    {
        private bool _healthy;
        private bool _ended;
        private bool _stopped;

        public int Retries { get; set; }

        /// <summary>Takes the node's next snapshot; true when it shows a failed boot: ended before it was ever healthy, not stopped.</summary>
        public bool Observe(CustomResourceSnapshot snapshot)
        {
            var state = snapshot.State?.Text;
            var wasEnded = _ended;
            _ended = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
            if (state == KnownResourceStates.Starting)
            {
                _healthy = false;
                _stopped = false;
            }

            // Stopped on purpose (a command, the application's end) rather than failed: left alone.
            if (state == KnownResourceStates.Stopping)
            {
                _stopped = true;
            }

            if (snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                _healthy = true;
            }

            return _ended && !wasEnded && !_healthy && !_stopped;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ node {Node} failed its boot (exit code {ExitCode}); starting it again ({Retry} of {MaxRetries})")]
    private static partial void BootFailed(ILogger logger, string node, int? exitCode, int retry, int maxRetries);

    [LoggerMessage(Level = LogLevel.Error, Message = "RabbitMQ node {Node} could not be started again")]
    private static partial void StartFailed(ILogger logger, string node, Exception exception);
}
