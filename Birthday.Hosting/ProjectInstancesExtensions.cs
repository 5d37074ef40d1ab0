using System.Globalization;

namespace Birthday.Hosting;

public static class ProjectInstancesExtensions
{
    /// <summary>
    /// A project run as <paramref name="count"/> named instances (<c>api-1</c>, <c>api-2</c>, …), each with its own
    /// address, rather than as replicas behind one DCP proxy: the gateway sees every instance, balances by least
    /// requests and takes a failing one out of rotation itself, as a load balancer in front of separate machines would.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddProjectInstances<TProject>(
        this IDistributedApplicationBuilder builder, string name, int count,
        Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>> configure)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Enumerable.Range(1, count)
            .Select(i => configure(builder.AddProject<TProject>($"{name}-{i.ToString(CultureInfo.InvariantCulture)}", launchProfileName: null)
                .WithDirectHttpEndpoint()
                .WithRunEnvironment()))
            .ToList();
    }

    /// <summary>
    /// Without a launch profile an instance would run as Production: while running here it takes the AppHost's
    /// environment, as a project with a profile does. Published, the deployment decides.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithRunEnvironment(this IResourceBuilder<ProjectResource> project) =>
        project.ApplicationBuilder.ExecutionContext.IsRunMode
            ? project.WithEnvironment("ASPNETCORE_ENVIRONMENT", project.ApplicationBuilder.Environment.EnvironmentName)
            : project;

    /// <summary>
    /// Makes every instance a destination of the gateway's YARP cluster, found through service discovery. The gateway
    /// does not wait for them: its active health checks take each instance into rotation as it comes up.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithClusterDestinations(
        this IResourceBuilder<ProjectResource> gateway, string clusterId, IEnumerable<IResourceBuilder<ProjectResource>> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var instance in instances)
        {
            var name = instance.Resource.Name;
            gateway.WithReference(instance)
                .WithEnvironment($"ReverseProxy__Clusters__{clusterId}__Destinations__{name}__Address", $"http://{name}");
        }

        return gateway;
    }
}
