using Birthday.AppHost.Infrastructure.Containers;
using Birthday.AppHost.Infrastructure.Host;

namespace Birthday.AppHost.Infrastructure;

public static class InfrastructureExtensions
{
    /// <summary>Adds Postgres (primary + streaming replica), a 3-node RabbitMQ cluster and Redis, in the mode the setting chooses.</summary>
    public static BirthdayInfrastructure AddBirthdayInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = InfrastructureModeResolver.Resolve(builder);
        if (mode != InfrastructureMode.Host)
        {
            return builder.AddContainerInfrastructure();
        }

        return OperatingSystem.IsLinux()
            ? builder.AddHostInfrastructure()
            : throw new PlatformNotSupportedException("Host mode runs Debian's server packages and works on Linux only; use Infrastructure:Mode=containers.");
    }

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
