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

    [Fact]
    public async Task The_host_model_names_a_runtime_this_machine_does_not_have()
    {
        var state = Directory.CreateTempSubdirectory("birthday-model-").FullName;
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
                ["--Infrastructure:Mode=host", $"--Infrastructure:StateDirectory={state}"]);

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
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task The_container_model_keeps_Aspires_choice()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(["--Infrastructure:Mode=containers"]);

        Assert.Null(builder.Configuration[OrchestratorContainerRuntime.SettingName]);
    }
}
