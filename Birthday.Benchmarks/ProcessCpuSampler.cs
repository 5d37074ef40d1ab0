namespace Birthday.Benchmarks;

/// <summary>
/// CPU seconds each part of the application spent during a benchmark, from <c>/proc/*/stat</c> at the start and at the
/// end: the .NET services by their program name (replicas added up), the servers by theirs. It says where the two cores
/// went, which the machine-wide busy figure cannot.
/// </summary>
public sealed class ProcessCpuSampler
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Dictionary<int, (string Part, long Ticks)> _start = Snapshot();

    /// <summary>CPU seconds per part since the sampler was made, largest first.</summary>
    public IReadOnlyList<(string Part, double Seconds)> SecondsByPart()
    {
        var end = Snapshot();
        return end
            .Select(process => (process.Value.Part, Ticks: process.Value.Ticks - (_start.TryGetValue(process.Key, out var before) ? before.Ticks : 0)))
            .GroupBy(process => process.Part)
            .Select(part => (part.Key, part.Sum(process => process.Ticks) / TicksPerSecond))
            .Where(part => part.Item2 > 0.05)
            .OrderByDescending(part => part.Item2)
            .ToList();
    }

    private static Dictionary<int, (string Part, long Ticks)> Snapshot()
    {
        var processes = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (ProcessStat.Read(directory) is { } stat)
                {
                    processes[pid] = (PartName(directory, stat.Command), stat.CpuTicks);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }

        return processes;
    }

    private static string PartName(string directory, string command)
    {
        var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var program = arguments.FirstOrDefault(a => a.Contains("Birthday.", StringComparison.Ordinal) || a.Contains("Aspire.Dashboard", StringComparison.Ordinal));
        // "…/Birthday.Worker" or "…/Aspire.Dashboard.dll": the name is the file's, dots and all.
        return program is not null ? Path.GetFileName(program).Replace(".dll", "", StringComparison.Ordinal)
            : command == "beam.smp" ? "rabbitmq (beam.smp)"
            : command.StartsWith("postgres", StringComparison.Ordinal) ? "postgres"
            : command;
    }
}
