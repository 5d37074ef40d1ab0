namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// Which container runtime Aspire's orchestrator (DCP) is told to use while every server runs as a host process.
/// </summary>
public static class OrchestratorContainerRuntime
{
    public const string SettingName = "DcpPublisher:ContainerRuntime";

    // Aspire's own names for the same choice (ConfigureDefaultDcpOptions reads them when the setting above is empty).
    private static readonly string[] AspireSettingNames = ["ASPIRE_CONTAINER_RUNTIME", "DOTNET_ASPIRE_CONTAINER_RUNTIME"];

    // The only two DCP accepts.
    private static readonly string[] Runtimes = ["podman", "docker"];

    /// <summary>
    /// In host mode the model has no container, yet DCP asks its container runtime about networks whatever the model
    /// holds: with Docker's CLI installed, 22 runs of it a minute at rest (`docker --version`, `docker network ls`), 73 ms
    /// of CPU each here, about 0.027 cores (docs/benchmarks.md, "At rest"). Named a runtime this machine does not have,
    /// DCP's calls fail before any process starts, and Aspire ignores the runtime's health when no resource is a container.
    /// A runtime the developer chose is kept; with both installed, nothing changes.
    /// </summary>
    public static void KeepOffTheContainerRuntime(IDistributedApplicationBuilder builder, Func<string, bool> isInstalled)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(isInstalled);
        if (AspireSettingNames.Prepend(SettingName).Any(name => !string.IsNullOrEmpty(builder.Configuration[name])))
        {
            return;
        }

        if (Runtimes.FirstOrDefault(runtime => !isInstalled(runtime)) is { } absent)
        {
            builder.Configuration[SettingName] = absent;
        }
    }

    /// <summary>Whether <paramref name="executable"/> is a file in one of the PATH's folders (how DCP finds it).</summary>
    public static bool OnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, executable)));
}
