using System.Globalization;

namespace Birthday.Benchmarks;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> the benchmarks use. The command name stands in parentheses and may itself hold
/// spaces and parentheses, so the other fields are counted from after its last ')'.
/// </summary>
internal readonly record struct ProcessStat(string Command, int ParentId, long CpuTicks)
{
    /// <summary>The process's stat, or null when it ended while we looked.</summary>
    /// <param name="directory">The process's folder, <c>/proc/PID</c>.</param>
    public static ProcessStat? Read(string directory)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(directory, "stat"));
        }
        catch (IOException)
        {
            return null;
        }

        // After the command (field 2): state 3, ppid 4, …, utime 14, stime 15 (1-based over the whole line).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessStat(
            stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }
}
