
namespace Birthday.Tests.Publishing;

/// <summary>
/// One export of the AppHost's publish outputs into a temporary folder, made the way scripts/export.sh makes the
/// committed ones, for the tests to hold against the repository's files.
/// </summary>
public sealed class FreshExport : IAsyncLifetime
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromMinutes(3);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"birthday-export-{Guid.NewGuid():N}");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string Fresh(string relativePath) => Path.Combine(Directory, relativePath);

    public static string Committed(string relativePath) => Path.Combine(RepositoryRoot, relativePath);

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        // The same build configuration as this test assembly: the one test.sh has just built.
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var result = await ProcessRunner.RunAsync("dotnet",
            ["run", "--project", Path.Combine(RepositoryRoot, "Birthday.AppHost"), "--no-build", "-c", configuration, "--no-launch-profile", "--",
             "--operation", "publish", "--step", "publish-compose", "--output-path", Directory],
            RepositoryRoot, ExportTimeout);
        Assert.True(result.ExitCode == 0, $"The export failed (exit {result.ExitCode}):\n{result.Output}");
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Birthday.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Birthday.sln above {AppContext.BaseDirectory}.");
    }
}
