using Microsoft.Extensions.DependencyInjection;

namespace Birthday.Hosting.Infrastructure.Host;

internal static class HostResourceExtensions
{
    /// <summary>
    /// An endpoint on the port chosen for the server (LoopbackPorts), the same inside and out and with no DCP proxy in
    /// front: a proxy would add a hop to every database, broker and cache call.
    /// </summary>
    public static IResourceBuilder<T> WithFixedPortEndpoint<T>(this IResourceBuilder<T> server, string name, int port, string scheme)
        where T : IResourceWithEndpoints =>
        server.WithEndpoint(name, endpoint =>
        {
            endpoint.UriScheme = scheme;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.IsProxied = false;
        });

    /// <summary>
    /// A resource with no process of its own (a database, the cluster) is Running once every one of
    /// <paramref name="others"/> is ready; its own health check tells the rest.
    /// </summary>
    public static IResourceBuilder<T> RunningWhenReady<T>(this IResourceBuilder<T> resource, IReadOnlyCollection<IResource> others)
        where T : IResource
    {
        var ready = new HashSet<IResource>();
        foreach (var other in others)
        {
            resource.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(other, (e, _) =>
            {
                lock (ready)
                {
                    ready.Add(other);
                    if (ready.Count < others.Count)
                    {
                        return Task.CompletedTask;
                    }
                }

                return e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(resource.Resource,
                    s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            });
        }

        return resource;
    }
}
