using System.Reflection;

namespace Birthday.Hosting;

public static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// While running without an IDE, Aspire starts each project through <c>dotnet run --no-build</c>, which evaluates the
    /// project with MSBuild before the service starts (1.5 s of a core on a quiet machine, 3–5 s while everything starts
    /// at once) and then waits beside the service for its whole life, 135 MB each (2026-12-02, docs/benchmarks.md,
    /// "Start-up"). The AppHost's build has already built every project (hence <c>--no-build</c>), so each one starts
    /// from its build output instead, as that command would start it: the same executable, the project's folder as its
    /// working directory (its content root), Aspire's environment and no launch profile. Under an IDE (F5) the IDE
    /// launches the projects and nothing changes; a project whose build output is not where the AppHost's build
    /// configuration puts it keeps Aspire's way. The exported files are not touched.
    /// </summary>
    public static IDistributedApplicationBuilder StartProjectsFromTheirBuildOutput(this IDistributedApplicationBuilder builder)
    {
        var configuration = builder.AppHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        var launchedByAnIde = !string.IsNullOrEmpty(builder.Configuration["DEBUG_SESSION_PORT"]);
        if (!builder.ExecutionContext.IsRunMode || launchedByAnIde || string.IsNullOrEmpty(configuration))
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            foreach (var project in e.Model.Resources.OfType<ProjectResource>())
            {
                var metadata = project.GetProjectMetadata();
                if (!project.HasAnnotationOfType<ExecutableAnnotation>() && BuiltExecutable(metadata, configuration) is { } executable)
                {
                    project.Annotations.Add(new ExecutableAnnotation
                    {
                        Command = executable,
                        WorkingDirectory = Path.GetDirectoryName(metadata.ProjectPath)!,
                    });
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>
    /// bin/&lt;configuration&gt;/&lt;target framework&gt;/&lt;project name&gt;: the native launcher the SDK writes beside the
    /// project's assembly, when exactly one target framework has one and Aspire would not build the project first.
    /// </summary>
    private static string? BuiltExecutable(IProjectMetadata project, string configuration)
    {
        var output = new DirectoryInfo(Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "bin", configuration));
        if (!project.SuppressBuild || project.IsFileBasedApp || !output.Exists)
        {
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(project.ProjectPath);
        var launchers = output.EnumerateDirectories()
            .Select(targetFramework => Path.Combine(targetFramework.FullName, name))
            .Where(launcher => File.Exists(launcher) && File.Exists(launcher + ".dll"))
            .ToList();
        return launchers.Count == 1 ? launchers[0] : null;
    }
}
