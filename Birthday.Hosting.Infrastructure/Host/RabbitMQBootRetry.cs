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
/// </remarks>
internal sealed partial class RabbitMQBootRetry(
    IReadOnlyCollection<IResource> nodes,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<RabbitMQBootRetry> logger) : BackgroundService
{
    private const int MaxRetriesPerNode = 3;
    private static readonly TimeSpan PauseBeforeRetry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nodesById = new Dictionary<string, NodeBoot>();
        await foreach (var update in notifications.WatchAsync(stoppingToken))
        {
            if (!nodes.Contains(update.Resource))
            {
                continue;
            }

            var boot = nodesById.TryGetValue(update.ResourceId, out var known) ? known : nodesById[update.ResourceId] = new NodeBoot();
            var state = update.Snapshot.State?.Text;
            var wasEnded = boot.Ended;
            boot.Ended = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
            if (state == KnownResourceStates.Starting)
            {
                boot.Healthy = false;
                boot.Stopped = false;
            }

            // Stopped on purpose (a command, the application's end) rather than failed: left alone.
            if (state == KnownResourceStates.Stopping)
            {
                boot.Stopped = true;
            }

            if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                boot.Healthy = true;
            }

            var failedBoot = boot.Ended && !wasEnded && !boot.Healthy && !boot.Stopped;
            if (!failedBoot || lifetime.ApplicationStopping.IsCancellationRequested || boot.Retries >= MaxRetriesPerNode)
            {
                continue;
            }

            boot.Retries++;
            BootFailed(logger, update.Resource.Name, update.Snapshot.ExitCode, boot.Retries, MaxRetriesPerNode);
            await Task.Delay(PauseBeforeRetry, stoppingToken);
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await commands.ExecuteCommandAsync(update.ResourceId, KnownResourceCommands.StartCommand, stoppingToken);
            }
        }
    }

    private sealed class NodeBoot
    {
        public bool Healthy { get; set; }

        public bool Ended { get; set; }

        public bool Stopped { get; set; }

        public int Retries { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ node {Node} failed its boot (exit code {ExitCode}); starting it again ({Retry} of {MaxRetries})")]
    private static partial void BootFailed(ILogger logger, string node, int? exitCode, int retry, int maxRetries);
}
