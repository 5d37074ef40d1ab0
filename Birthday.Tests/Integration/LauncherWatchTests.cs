using System.Diagnostics;

namespace Birthday.Tests.Integration;

/// <summary>
/// A service whose launcher is killed outright ends itself rather than running on unowned, connected to the servers
/// (ServiceDefaults' LauncherWatch, switched on by the AppHost while running). Here the launcher is a shell standing in
/// for Aspire's orchestrator, and the service is the email simulator as the test run built it: it needs no server.
/// </summary>
public sealed class LauncherWatchTests
{
    // The service stops gracefully, and kills itself if that takes more than 10 s.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_service_whose_launcher_is_killed_outright_ends_itself()
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var project = Path.Combine(Publishing.FreshExport.RepositoryRoot, "Birthday.EmailSimulator");
        var program = Directory.EnumerateFiles(Path.Combine(project, "bin", configuration), "Birthday.EmailSimulator", SearchOption.AllDirectories).Single();
        var start = new ProcessStartInfo("bash", ["-c", "\"$0\" & wait", program])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ExitWithLauncher"] = "true";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["OTEL_SDK_DISABLED"] = "true";
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var launcher = Process.Start(start)!;
        // The service writes to the launcher's output: once Kestrel listens, its hosted services (the watch) have started.
        launcher.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Now listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        var service = 0;
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            service = ProcessTree.ChildrenOf(launcher.Id).Single();

            launcher.Kill(entireProcessTree: false);

            await Eventually.HoldsAsync(() => Task.FromResult(!ProcessTree.IsRunning(service)), ExitTimeout,
                () => $"the service ({service}) still runs {ExitTimeout.TotalSeconds} s after its launcher was killed");
        }
        finally
        {
            if (!launcher.HasExited)
            {
                launcher.Kill(entireProcessTree: true);
            }

            if (service != 0 && ProcessTree.IsRunning(service))
            {
                using var orphan = Process.GetProcessById(service);
                orphan.Kill();
            }
        }
    }
}
