using Aspire.Hosting.ApplicationModel;
using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Tests.Unit;

/// <summary>
/// The host-mode model as the AppHost builds it, inspected before anything starts: start order and port ranges that
/// only show up as a failed start now and then when they are wrong.
/// </summary>
public sealed class HostModelTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("birthday-model-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task A_new_RabbitMQ_cluster_forms_after_node_1_is_up()
    {
        await using var builder = await HostModelAsync();

        Assert.Empty(WaitsOnFirstNode(builder, "messaging-1"));
        Assert.Single(WaitsOnFirstNode(builder, "messaging-2"));
        Assert.Single(WaitsOnFirstNode(builder, "messaging-3"));
    }

    [Fact]
    public async Task An_existing_RabbitMQ_cluster_starts_all_its_nodes_at_once()
    {
        // What node 1 leaves in its data folder once it has run (the node that stopped first waits for the others on boot,
        // so making them wait for it would hang the start).
        Directory.CreateDirectory(Path.Combine(_state, "rabbitmq", "node1", "mnesia", "rabbit1@localhost"));
        await using var builder = await HostModelAsync();

        Assert.Empty(WaitsOnFirstNode(builder, "messaging-2"));
        Assert.Empty(WaitsOnFirstNode(builder, "messaging-3"));
    }

    [Fact]
    public async Task The_RabbitMQ_nodes_boot_once_the_first_api_instance_serves()
    {
        // Three Erlang VMs booting beside the api's own start held the users' door back on two cores.
        await using var builder = await HostModelAsync();

        Assert.All(["messaging-1", "messaging-2", "messaging-3"], node => Assert.Contains(
            builder.Resources.Single(resource => resource.Name == node).Annotations.OfType<WaitAnnotation>(),
            wait => wait.Resource.Name == "api-1" && wait.WaitType == WaitType.WaitUntilHealthy));
    }

    [Fact]
    public async Task Aspire_picks_its_own_ports_outside_the_ones_the_AppHost_chose()
    {
        await using var builder = await HostModelAsync();

        var aspireFirst = Setting(builder, "DcpPublisher:ProxylessEndpointPortRangeStart");
        var aspireLast = Setting(builder, "DcpPublisher:ProxylessEndpointPortRangeEnd");
        var chosenPorts = builder.Resources.OfType<IResourceWithEndpoints>()
            .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>())
            .Where(endpoint => endpoint.Port is not null)
            .Select(endpoint => endpoint.Port!.Value)
            .ToList();

        Assert.NotEmpty(chosenPorts);
        Assert.All(chosenPorts, port => Assert.False(port >= aspireFirst && port <= aspireLast,
            $"port {port} is within the range Aspire picks from ({aspireFirst}–{aspireLast})"));
    }

    [Fact]
    public async Task Aspires_orchestrator_is_named_a_container_runtime_this_machine_does_not_have()
    {
        await using var builder = await HostModelAsync();

        var named = builder.Configuration[OrchestratorContainerRuntime.SettingName];
        if (OrchestratorContainerRuntime.OnPath("docker") && OrchestratorContainerRuntime.OnPath("podman"))
        {
            Assert.Null(named);
        }
        else
        {
            Assert.NotNull(named);
            Assert.False(OrchestratorContainerRuntime.OnPath(named), $"{named} is installed here");
        }
    }

    private Task<IDistributedApplicationTestingBuilder> HostModelAsync() =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
            ["--Infrastructure:Mode=host", $"--Infrastructure:StateDirectory={_state}"]);

    private static int Setting(IDistributedApplicationTestingBuilder builder, string key) =>
        int.Parse(builder.Configuration[key] ?? throw new InvalidOperationException($"{key} is not set"), System.Globalization.CultureInfo.InvariantCulture);

    private static List<WaitAnnotation> WaitsOnFirstNode(IDistributedApplicationTestingBuilder builder, string node) =>
        builder.Resources.Single(resource => resource.Name == node).Annotations.OfType<WaitAnnotation>()
            .Where(wait => wait.Resource.Name == "messaging-1")
            .ToList();
}
