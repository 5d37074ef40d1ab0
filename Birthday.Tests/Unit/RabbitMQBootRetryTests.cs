using Aspire.Hosting.ApplicationModel;
using Birthday.Hosting.Infrastructure.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Birthday.Tests.Unit;

/// <summary>
/// A RabbitMQ node that fails its first boot is started again while the application is still starting. Aspire's
/// orchestrator finishes its start only once every resource it waits for has started, and the scheduler and workers wait
/// for the cluster: a retry that began watching after that start never saw the failure (run.sh then never came up).
/// </summary>
public sealed class RabbitMQBootRetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_node_that_fails_its_first_boot_is_started_again_before_the_application_has_finished_starting()
    {
        var node = new ExecutableResource("messaging-1", "rabbitmq-server", "/");
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var orchestratorStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = HostWith([node], orchestratorStart.Task, (resourceId, _) =>
        {
            started.TrySetResult(resourceId);
            return Task.CompletedTask;
        });
        var notifications = host.Services.GetRequiredService<ResourceNotificationService>();

        var hostStart = host.StartAsync();
        try
        {
            await notifications.PublishUpdateAsync(node, s => s with { State = KnownResourceStates.Starting });
            // Running as a process, its health check not yet answered: a running resource without health reports
            // counts as healthy, and a node's AMQP check has not passed before it ends at boot.
            await notifications.PublishUpdateAsync(node, s => (s with { State = KnownResourceStates.Running })
                .WithHealthReports([new HealthReportSnapshot("amqp", null, null, null)]));
            await notifications.PublishUpdateAsync(node, s => s with { State = KnownResourceStates.Finished, ExitCode = 0 });

            Assert.Equal("messaging-1", await started.Task.WaitAsync(Patience));
            Assert.False(hostStart.IsCompleted, "the orchestrator's start was still running");
        }
        finally
        {
            orchestratorStart.SetResult();
            await hostStart;
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_node_that_was_healthy_and_then_ended_is_left_alone()
    {
        var healthyOnce = new ExecutableResource("messaging-2", "rabbitmq-server", "/");
        var failedBoot = new ExecutableResource("messaging-3", "rabbitmq-server", "/");
        var started = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var failedBootStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = HostWith([healthyOnce, failedBoot], Task.CompletedTask, (resourceId, _) =>
        {
            started.Enqueue(resourceId);
            if (resourceId == failedBoot.Name)
            {
                failedBootStarted.TrySetResult();
            }

            return Task.CompletedTask;
        });
        var notifications = host.Services.GetRequiredService<ResourceNotificationService>();
        await host.StartAsync();

        await notifications.PublishUpdateAsync(healthyOnce, s => s with { State = KnownResourceStates.Starting });
        await notifications.PublishUpdateAsync(healthyOnce, s => (s with { State = KnownResourceStates.Running })
            .WithHealthReports([new HealthReportSnapshot("amqp", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, null, null)]));
        await notifications.PublishUpdateAsync(healthyOnce, s => s with { State = KnownResourceStates.Finished, ExitCode = 0 });
        // Updates are watched in order: once the later failed boot is started again, the first node's end has been seen.
        await notifications.PublishUpdateAsync(failedBoot, s => s with { State = KnownResourceStates.Starting });
        await notifications.PublishUpdateAsync(failedBoot, s => s with { State = KnownResourceStates.Finished, ExitCode = 0 });
        await failedBootStarted.Task.WaitAsync(Patience);
        await host.StopAsync();

        Assert.Equal([failedBoot.Name], started);
    }

    private static IHost HostWith(IReadOnlyCollection<IResource> nodes, Task orchestratorStart, Func<string, CancellationToken, Task> startNode)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<ResourceLoggerService>();
        builder.Services.AddSingleton(services => new ResourceNotificationService(
            NullLogger<ResourceNotificationService>.Instance,
            services.GetRequiredService<IHostApplicationLifetime>(),
            services,
            services.GetRequiredService<ResourceLoggerService>()));
        // Registered first, as Aspire's own services are: its start lasts until the test lets it end.
        builder.Services.AddHostedService(_ => new StartThatLasts(orchestratorStart));
        builder.Services.AddHostedService(services => new RabbitMQBootRetry(
            nodes,
            services.GetRequiredService<ResourceNotificationService>(),
            startNode,
            services.GetRequiredService<IHostApplicationLifetime>(),
            NullLogger<RabbitMQBootRetry>.Instance));
        return builder.Build();
    }

    private sealed class StartThatLasts(Task until) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => until;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
