using Aspire.Hosting;
using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Tests.Unit;

/// <summary>
/// With every server a host process, Aspire's orchestrator is named a container runtime this machine lacks, so it stops
/// running that runtime's CLI every few seconds at rest; a runtime the developer chose is left alone.
/// </summary>
public sealed class OrchestratorContainerRuntimeTests
{
    [Fact]
    public void With_only_Docker_installed_the_orchestrator_is_named_Podman()
    {
        var builder = DistributedApplication.CreateBuilder();

        OrchestratorContainerRuntime.KeepOffTheContainerRuntime(builder, runtime => runtime == "docker");

        Assert.Equal("podman", builder.Configuration[OrchestratorContainerRuntime.SettingName]);
    }

    [Fact]
    public void With_only_Podman_installed_the_orchestrator_is_named_Docker()
    {
        var builder = DistributedApplication.CreateBuilder();

        OrchestratorContainerRuntime.KeepOffTheContainerRuntime(builder, runtime => runtime == "podman");

        Assert.Equal("docker", builder.Configuration[OrchestratorContainerRuntime.SettingName]);
    }

    [Fact]
    public void With_both_installed_the_orchestrator_keeps_Aspires_choice()
    {
        var builder = DistributedApplication.CreateBuilder();

        OrchestratorContainerRuntime.KeepOffTheContainerRuntime(builder, _ => true);

        Assert.Null(builder.Configuration[OrchestratorContainerRuntime.SettingName]);
    }

    [Theory]
    [InlineData("ASPIRE_CONTAINER_RUNTIME")]
    [InlineData("DOTNET_ASPIRE_CONTAINER_RUNTIME")]
    [InlineData("DcpPublisher:ContainerRuntime")]
    public void A_runtime_the_developer_chose_is_kept(string setting)
    {
        var builder = DistributedApplication.CreateBuilder([$"--{setting}=docker"]);
        var before = builder.Configuration[OrchestratorContainerRuntime.SettingName];

        OrchestratorContainerRuntime.KeepOffTheContainerRuntime(builder, runtime => runtime == "docker");

        Assert.Equal(before, builder.Configuration[OrchestratorContainerRuntime.SettingName]);
        Assert.Equal("docker", builder.Configuration[setting]);
    }
}
