using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Hosting.Infrastructure;

public static class MessagingBootOrderExtensions
{
    /// <summary>
    /// While running with host-mode servers, the RabbitMQ nodes boot once <paramref name="first"/> is healthy. Three
    /// Erlang VMs booting take both cores of a small machine for 15–25 s, and they booted beside the api's own start,
    /// which the users' door waits for; the scheduler and workers wait for the cluster in any case. Published, and with
    /// servers in containers, the nodes start as before.
    /// </summary>
    public static BirthdayInfrastructure BootMessagingAfter(this BirthdayInfrastructure infrastructure, IResourceBuilder<IResource> first)
    {
        ArgumentNullException.ThrowIfNull(infrastructure);
        var builder = infrastructure.Messaging.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode && infrastructure.Messaging.Resource is RabbitMQClusterResource cluster)
        {
            foreach (var node in cluster.Nodes)
            {
                builder.CreateResourceBuilder(node).WaitFor(first);
            }
        }

        return infrastructure;
    }
}
