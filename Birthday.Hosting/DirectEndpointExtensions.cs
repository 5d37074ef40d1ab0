using Microsoft.Extensions.Configuration;

namespace Birthday.Hosting;

public static class DirectEndpointExtensions
{
    /// <summary>
    /// When running, the project listens on a free port of its own with no DCP proxy in front: one hop less per request, and a
    /// dead process refuses connections at once instead of a proxy holding them open. Published, it is an ordinary
    /// HTTP endpoint.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> project) =>
        project.ApplicationBuilder.ExecutionContext.IsRunMode
            ? project.WithHttpEndpoint(port: LoopbackPorts.Next(), isProxied: false)
            : project.WithHttpEndpoint();

    /// <summary>
    /// The launch profile's "http" endpoint served by the project itself while running, without DCP's proxy: every request
    /// through the proxy costs a hop and the proxy's CPU, which on a few shared cores shows in the gateway's throughput and
    /// in how fast a burst reaches the vendor's stand-in (docs/benchmarks.md). It keeps the profile's port for a
    /// developer's run; where Aspire randomises ports (tests, benchmarks) it takes a free one, so several runs live side
    /// by side.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectLaunchProfileEndpoint(this IResourceBuilder<ProjectResource> project)
    {
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return project;
        }

        var randomizePorts = project.ApplicationBuilder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        return project.WithEndpoint("http", endpoint =>
        {
            endpoint.IsProxied = false;
            if (randomizePorts || endpoint.Port is null)
            {
                endpoint.Port = LoopbackPorts.Next();
            }
        });
    }
}
