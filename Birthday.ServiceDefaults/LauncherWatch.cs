using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// While the AppHost runs the application, a service ends itself once the process that launched it is gone: Aspire's
/// orchestrator (DCP), which starts each project from its build output here, or the <c>dotnet run</c> Aspire starts a
/// project through elsewhere. When that launcher is killed outright (a crash, a <c>kill -9</c>), the service is
/// reparented to init and would run on, connected to the servers, long after the application was stopped. Linux only (it
/// reads /proc); elsewhere it does nothing.
/// </summary>
internal sealed partial class LauncherWatch(IHostApplicationLifetime lifetime, ILogger<LauncherWatch> logger) : BackgroundService
{
    public const string Setting = "ExitWithLauncher";

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    // An orphan shuts down gracefully if it can, but it has nobody to wait for: a shutdown that hangs on something
    // (a telemetry flush to an exporter that is gone too, a connection's close handshake) must not keep it alive.
    private static readonly TimeSpan GracefulStopLimit = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ParentProcessId() is not { } launcher)
        {
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (ParentProcessId() != launcher)
            {
                LauncherGone(logger, launcher);
                _ = Task.Delay(GracefulStopLimit, CancellationToken.None).ContinueWith(_ =>
                {
                    using var self = System.Diagnostics.Process.GetCurrentProcess();
                    self.Kill();
                }, TaskScheduler.Default);
                lifetime.StopApplication();
                return;
            }
        }
    }

    /// <summary>The parent's process id: the fourth field of /proc/self/stat, after the command name in parentheses.</summary>
    private static int? ParentProcessId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The process that launched this service ({Launcher}) is gone; stopping")]
    private static partial void LauncherGone(ILogger logger, int launcher);
}
