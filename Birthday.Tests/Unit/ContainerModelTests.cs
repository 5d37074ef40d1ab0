using Aspire.Hosting.ApplicationModel;
using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Tests.Unit;

/// <summary>
/// The container-mode model as the AppHost builds it, inspected before anything starts (no engine needed): which images
/// the servers run, and that the services' waits reach the containers (scripts/container-smoke.sh runs it for real).
/// </summary>
public sealed class ContainerModelTests
{
    private static readonly string[] Servers = ["postgres", "postgres-replica", "messaging-1", "messaging-2", "messaging-3", "cache"];

    [Fact]
    public async Task Infrastructure_Images_replace_each_servers_official_image_while_running()
    {
        await using var builder = await ContainerModelAsync(
            "--Infrastructure:Images:Postgres=mirror.example.com/library/postgres:18.3",
            "--Infrastructure:Images:RabbitMQ=local/rabbitmq:compose-check",
            "--Infrastructure:Images:Redis=local/redis:compose-check");

        Assert.Equal("mirror.example.com/library/postgres:18.3", ImageOf(builder, "postgres"));
        Assert.Equal("mirror.example.com/library/postgres:18.3", ImageOf(builder, "postgres-replica")); // the primary's exact build
        Assert.All(["messaging-1", "messaging-2", "messaging-3"], node => Assert.Equal("local/rabbitmq:compose-check", ImageOf(builder, node)));
        Assert.Equal("local/redis:compose-check", ImageOf(builder, "cache"));
    }

    [Fact]
    public async Task Without_the_settings_the_servers_run_the_official_images()
    {
        await using var builder = await ContainerModelAsync();

        Assert.All(Servers, server => Assert.StartsWith("docker.io/library/", ImageOf(builder, server), StringComparison.Ordinal));
        Assert.EndsWith("-management", ImageOf(builder, "messaging-1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_the_read_replica_or_the_cluster_waits_for_their_containers()
    {
        await using var builder = await ContainerModelAsync();

        // Connection-string resources count as ready at once unless they wait themselves (Aspire 13.6).
        Assert.Equal(["postgres-replica"], WaitsOf(builder, "birthday-replica"));
        Assert.Equal(["messaging-1", "messaging-2", "messaging-3"], WaitsOf(builder, "messaging"));
        Assert.NotEmpty(Resource(builder, "postgres-replica").Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Aspires_orchestrator_keeps_its_own_container_runtime()
    {
        await using var builder = await ContainerModelAsync();

        Assert.Null(builder.Configuration[OrchestratorContainerRuntime.SettingName]);
    }

    private static Task<IDistributedApplicationTestingBuilder> ContainerModelAsync(params string[] settings) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(["--Infrastructure:Mode=containers", .. settings]);

    private static IResource Resource(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Single(r => r.Name == name);

    private static string ImageOf(IDistributedApplicationTestingBuilder builder, string name)
    {
        var image = Resource(builder, name).Annotations.OfType<ContainerImageAnnotation>().Last();
        return $"{(image.Registry is { } registry ? registry + "/" : "")}{image.Image}:{image.Tag}";
    }

    /// <summary>The containers a resource waits for (Aspire adds waits for the parameters it references on its own).</summary>
    private static List<string> WaitsOf(IDistributedApplicationTestingBuilder builder, string name) =>
        [.. Resource(builder, name).Annotations.OfType<WaitAnnotation>().Where(w => w.Resource is ContainerResource)
            .Select(w => w.Resource.Name).Order(StringComparer.Ordinal)];
}
