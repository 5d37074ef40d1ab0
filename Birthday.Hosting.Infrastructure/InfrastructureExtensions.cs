using Birthday.Hosting.Infrastructure.Containers;
using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Hosting.Infrastructure;

public static class InfrastructureExtensions
{
    /// <summary>Adds Postgres (primary + streaming replica), a 3-node RabbitMQ cluster and Redis, in the mode the setting chooses.</summary>
    public static BirthdayInfrastructure AddBirthdayInfrastructure(this IDistributedApplicationBuilder builder)
    {
        // Host servers and the direct endpoints take their ports from LoopbackPorts, whichever mode the servers run in.
        LoopbackPorts.KeepAspireOutOfOurRange(builder);
        var mode = InfrastructureModeResolver.Resolve(builder);
        if (mode != InfrastructureMode.Host)
        {
            return builder.AddContainerInfrastructure();
        }

        return OperatingSystem.IsLinux()
            ? builder.AddHostInfrastructure()
            : throw new PlatformNotSupportedException("Host mode runs Debian's server packages and works on Linux only; use Infrastructure:Mode=containers.");
    }
}
