using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// Opens an AMQP connection to each node (a node accepts AMQP only once it has booted and joined its cluster).
/// All nodes up is healthy; a majority is degraded (quorum queues still work); fewer is unhealthy.
/// </summary>
public sealed class RabbitMQNodesHealthCheck(string userName, string password, IReadOnlyList<HostRabbitMQNodeResource> nodes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(nodes.Select(n => AnswersAsync(n, cancellationToken)));
        var down = nodes.Where((_, i) => !results[i]).Select(n => n.NodeName).ToList();

        if (down.Count == 0)
        {
            return HealthCheckResult.Healthy();
        }

        var description = $"not answering: {string.Join(", ", down)}";
        return nodes.Count - down.Count > nodes.Count / 2 && nodes.Count > 1
            ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Unhealthy(description);
    }

    private async Task<bool> AnswersAsync(HostRabbitMQNodeResource node, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = node.AmqpPort,
            UserName = userName,
            Password = password,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        };

        try
        {
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
