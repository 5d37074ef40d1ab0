using System.Diagnostics;

namespace Birthday.Tests.Integration;

/// <summary>
/// Nothing the application starts outlives it, and nothing stands between Aspire and a service: while running here, its
/// orchestrator starts each service from its build output (<c>StartProjectsFromTheirBuildOutput</c>), not through a
/// <c>dotnet run</c> that would evaluate the project first and then wait beside the service for its life. The process id
/// the dashboard shows is the service's own; killed outright, it is gone, and the service can be started again. The
/// fixture's disposal then checks that no service or server of this checkout is left after the stop.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class ProcessLifetimeTests(BirthdayApplication application)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_service_runs_as_its_own_built_program_and_starts_again_after_it_is_killed_outright()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var service = Assert.Single(application.ProcessIds("api-2"));
        var builtProgram = Path.Combine(Publishing.FreshExport.RepositoryRoot, "Birthday.Api", "bin");
        Assert.StartsWith(builtProgram, ProcessTree.CommandLine(service), StringComparison.Ordinal);
        Assert.Empty(ProcessTree.ChildrenOf(service));

        try
        {
            using (var process = Process.GetProcessById(service))
            {
                process.Kill(entireProcessTree: false);
            }

            await Eventually.HoldsAsync(() => Task.FromResult(!ProcessTree.IsRunning(service)), ExitTimeout,
                () => $"api-2 ({service}) still runs {ExitTimeout.TotalSeconds} s after it was killed");
        }
        finally
        {
            await application.StartResourceAsync("api-2", timeout.Token);
        }

        var again = Assert.Single(application.ProcessIds("api-2"));
        Assert.NotEqual(service, again);
        Assert.StartsWith(builtProgram, ProcessTree.CommandLine(again), StringComparison.Ordinal);
    }
}
