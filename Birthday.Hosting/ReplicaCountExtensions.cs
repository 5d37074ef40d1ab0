namespace Birthday.Hosting;

public static class ReplicaCountExtensions
{
    /// <summary>
    /// The default replica count of a CPU-bound service: <paramref name="count"/> in the exported files (one per machine
    /// or container there), but while running here no more than this machine has cores, and at least two. More workers
    /// than cores cost more CPU than they add: each process wakes more often for less work, so on two shared cores two
    /// workers deliver a burst sooner than three (docs/benchmarks.md, Delivery).
    /// </summary>
    public static int CpuBoundReplicas(this IDistributedApplicationBuilder builder, int count) =>
        builder.ExecutionContext.IsRunMode ? Math.Clamp(Environment.ProcessorCount, Math.Min(2, count), count) : count;

    /// <summary>Replica count of a project, from the AppHost parameter <c>{name}-replicas</c> (configuration <c>Parameters:{name}-replicas</c>).</summary>
    public static int ReplicaCount(this IDistributedApplicationBuilder builder, string name, int defaultCount)
    {
        var key = $"Parameters:{name}-replicas";
        var value = builder.Configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultCount;
        }

        return int.TryParse(value, out var count) && count is >= 1 and <= 64
            ? count
            : throw new InvalidOperationException($"{key} must be a whole number from 1 to 64, not '{value}'.");
    }
}
