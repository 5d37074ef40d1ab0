using System.Diagnostics;

namespace Birthday.Hosting.Infrastructure;

/// <summary>How Postgres, RabbitMQ and Redis come to exist: as containers, or as processes on this host.</summary>
public enum InfrastructureMode
{
    Auto,
    Host,
    Containers,
}

public static class InfrastructureModeResolver
{
    public const string SettingName = "Infrastructure:Mode";

    /// <summary>
    /// Reads <c>Infrastructure:Mode</c>. <c>auto</c> picks containers when a container engine answers and host processes
    /// otherwise; publishing always describes the container form, whatever this machine has.
    /// </summary>
    public static InfrastructureMode Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[SettingName];
        if (!TryParse(configured, out var mode))
        {
            throw new InvalidOperationException(
                $"Unknown {SettingName} '{configured}'. Valid values: auto, host, containers.");
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        return mode == InfrastructureMode.Auto
            ? (ContainerEngineAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Host)
            : mode;
    }

    public static bool TryParse(string? value, out InfrastructureMode mode)
    {
        mode = InfrastructureMode.Auto;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "auto" => Assign(InfrastructureMode.Auto, out mode),
            "host" => Assign(InfrastructureMode.Host, out mode),
            "containers" => Assign(InfrastructureMode.Containers, out mode),
            _ => false,
        };

        static bool Assign(InfrastructureMode value, out InfrastructureMode target)
        {
            target = value;
            return true;
        }
    }

    /// <summary>
    /// Aspire's own runtime check only works after Build(), and a container resource on a machine without an engine
    /// waits forever; `docker info` fails within milliseconds when no engine answers, so we ask it first.
    /// </summary>
    private static bool ContainerEngineAnswers()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker CLI at all
        }
    }
}
