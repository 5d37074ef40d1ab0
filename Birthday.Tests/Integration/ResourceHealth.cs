using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Tests.Integration;

/// <summary>The latest health of every resource instance: a replicated project has one instance per replica.</summary>
internal sealed class ResourceHealth
{
    private readonly Dictionary<string, (string Name, string? State, HealthStatus? Status, int? Pid)> _instances = [];

    public void Follow(DistributedApplication app) => _ = Task.Run(async () =>
    {
        await foreach (var update in app.ResourceNotifications.WatchAsync())
        {
            lock (_instances)
            {
                var pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
                _instances[update.ResourceId] = (update.Resource.Name, update.Snapshot.State?.Text, update.Snapshot.HealthStatus,
                    int.TryParse(Convert.ToString(pid, System.Globalization.CultureInfo.InvariantCulture), out var id) ? id : null);
            }
        }
    });

    public bool IsHealthy(string resourceName)
    {
        lock (_instances)
        {
            var instances = _instances.Values.Where(i => i.Name == resourceName).ToList();
            return instances.Count > 0 && instances.All(i => i.Status == HealthStatus.Healthy && i.State == KnownResourceStates.Running);
        }
    }

    public IReadOnlyList<int> ProcessIds(string resourceName)
    {
        lock (_instances)
        {
            return [.. _instances.Values.Where(i => i.Name == resourceName && i.Pid is not null).Select(i => i.Pid!.Value)];
        }
    }

    public bool AnyStopped(string resourceName)
    {
        lock (_instances)
        {
            return _instances.Values.Any(i => i.Name == resourceName && KnownResourceStates.TerminalStates.Contains(i.State));
        }
    }

    public bool AllStopped(string resourceName)
    {
        lock (_instances)
        {
            var instances = _instances.Values.Where(i => i.Name == resourceName).ToList();
            return instances.Count > 0 && instances.All(i => KnownResourceStates.TerminalStates.Contains(i.State));
        }
    }
}
