using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Birthday.Tests.Integration;

/// <summary>
/// Remembers the process id of every host-mode server the application starts (Postgres, RabbitMQ, epmd, Redis), so that
/// after the run we can check, not hope, that none is left; the services of this checkout (and the <c>dotnet run</c>
/// that launched each) are looked for by their command lines, since one whose launcher died has no parent to find it by.
/// </summary>
internal sealed class ServerProcesses
{
    // The dashboard's name for an executable's process id (Aspire keeps its constant internal).
    private const string ExecutablePidProperty = "executable.pid";

    private readonly HashSet<int> _pids = [];

    public void Follow(DistributedApplication app) => _ = Task.Run(async () =>
    {
        await foreach (var update in app.ResourceNotifications.WatchAsync())
        {
            if (update.Resource is not ExecutableResource || update.Resource is ProjectResource)
            {
                continue;
            }

            var pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == ExecutablePidProperty)?.Value;
            if (pid is not null && int.TryParse(Convert.ToString(pid, CultureInfo.InvariantCulture), out var id))
            {
                lock (_pids)
                {
                    _pids.Add(id);
                }
            }
        }
    });

    /// <summary>Waits until every remembered server process, and any process whose command line names the state folder, has exited.</summary>
    public async Task<IReadOnlyList<string>> WaitUntilAllExitedAsync(string stateDirectory, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var survivors = Survivors(stateDirectory);
            if (survivors.Count == 0 || DateTime.UtcNow > deadline)
            {
                return survivors;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private List<string> Survivors(string stateDirectory)
    {
        int[] remembered;
        lock (_pids)
        {
            remembered = [.. _pids];
        }

        var survivors = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Length > 0 && (remembered.Contains(pid) || commandLine.Contains(stateDirectory, StringComparison.Ordinal)
                || IsServiceOfThisCheckout(commandLine)))
            {
                survivors.Add($"{pid} {commandLine[..Math.Min(commandLine.Length, 160)]}");
            }
        }

        return survivors;
    }

    /// <summary>A Birthday service built in this checkout, or the <c>dotnet run --project</c> of one.</summary>
    public static bool IsServiceOfThisCheckout(string commandLine)
    {
        var services = Path.Combine(Publishing.FreshExport.RepositoryRoot, "Birthday.");
        // The export tests run the AppHost itself meanwhile, in a collection of their own.
        return (commandLine.StartsWith(services, StringComparison.Ordinal)
                || commandLine.StartsWith("dotnet run --project " + services, StringComparison.Ordinal))
            && !commandLine.Contains("Birthday.AppHost", StringComparison.Ordinal);
    }
}
