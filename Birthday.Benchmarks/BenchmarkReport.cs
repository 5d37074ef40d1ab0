using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Birthday.Benchmarks;

/// <summary>A benchmark's figures, with the machine and the commit they were measured on, as JSON and as a Markdown table.</summary>
public sealed class BenchmarkReport(string name, string command)
{
    private readonly List<(string Figure, object Value, string Unit)> _figures = [];

    public void Add(string figure, object value, string unit = "") => _figures.Add((figure, value, unit));

    public async Task WriteAsync(string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var machine = Machine();
        var json = new JsonObject
        {
            ["benchmark"] = name,
            ["command"] = command,
            ["measuredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = JsonSerializer.SerializeToNode(machine),
            ["figures"] = new JsonObject(_figures.Select(f => KeyValuePair.Create(f.Figure, JsonSerializer.SerializeToNode(f.Value)))),
        };
        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"### {name}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`{command}` on {machine.Cores} cores, {machine.MemoryGiB} GiB, {machine.Os}, commit {machine.Commit}, {json["measuredAt"]}")
            .AppendLine()
            .AppendLine("| figure | value |")
            .AppendLine("|---|---|");
        foreach (var (figure, value, unit) in _figures)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {Format(value)}{(unit.Length > 0 ? " " + unit : "")} |");
        }

        var text = markdown.ToString();
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, $"{name}.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, $"{name}.md"), text);
        Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(text);
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("#,0.##", CultureInfo.InvariantCulture),
        long or int => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("#,0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static MachineInfo Machine()
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
        var kib = long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : Environment.OSVersion.ToString();
        return new MachineInfo(Environment.ProcessorCount, Math.Round(kib / 1024.0 / 1024.0, 1), os, Commit());
    }

    private static string Commit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true });
            var commit = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private sealed record MachineInfo(int Cores, double MemoryGiB, string Os, string Commit);
}
