using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace Birthday.Core.Messaging;

public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    /// <summary>
    /// The RabbitMQ connection through Aspire's client integration (health check, tracing, connect retries), able to reach
    /// any node of the cluster: when the node it uses stops, automatic recovery reconnects to another.
    /// <paramref name="neededToServe"/> false leaves the broker out of the service's /health: a service that can do its
    /// work without it (the users API) is ready, and started, before the cluster has formed.
    /// </summary>
    public static TBuilder AddBirthdayMessaging<TBuilder>(this TBuilder builder, bool neededToServe = true) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set: the AppHost gives it to every service that references messaging.");
        var address = RabbitMQClusterAddress.Parse(connectionString);

        builder.AddRabbitMQClient(ConnectionName,
            settings =>
            {
                settings.ConnectionString = address.FirstNode.ToString();
                settings.DisableHealthChecks = !neededToServe;
            },
            factory =>
            {
                factory.EndpointResolverFactory = _ => new DefaultEndpointResolver(address.Nodes);
                factory.AutomaticRecoveryEnabled = true;
                factory.TopologyRecoveryEnabled = true;
                factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(2);
                factory.ClientProvidedName = builder.Environment.ApplicationName;
            });
        return builder;
    }
}
