using System.Diagnostics;
using System.Globalization;

namespace Birthday.Tests.Integration;

/// <summary>
/// Nothing the application starts outlives it. Aspire launches each service through <c>dotnet run</c>; killing that
/// launcher outright (as <c>kill -9</c> of the process id the dashboard shows does) must not leave the service running
/// unowned. The fixture's disposal then checks that no service or server of this checkout is left after the stop.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class ProcessLifetimeTests(BirthdayApplication application)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_service_whose_launcher_is_killed_outright_ends_itself_and_starts_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var launcher = Assert.Single(application.ProcessIds("api-2"));
        var service = Assert.Single(ChildrenOf(launcher), child => ServerProcesses.IsServiceOfThisCheckout(CommandLine(child)));

        using (var process = Process.GetProcessById(launcher))
        {
            process.Kill(entireProcessTree: false);
        }

        var deadline = DateTime.UtcNow + ExitTimeout;
        while (IsRunning(service) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.False(IsRunning(service),
            $"api-2 ({service}: {CommandLine(service)}) still runs {ExitTimeout.TotalSeconds} s after its launcher {launcher} was killed");

        await application.StartResourceAsync("api-2", timeout.Token);
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == parent);

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // exited while we looked
        }
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped (the state after the command name).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
