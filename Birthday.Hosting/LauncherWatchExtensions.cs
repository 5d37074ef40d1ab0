namespace Birthday.Hosting;

public static class LauncherWatchExtensions
{
    /// <summary>
    /// While running (never in the exports), every project ends itself when the process that launched it (DCP, or the
    /// <c>dotnet run</c> Aspire launches a project through otherwise) is gone, so a launcher killed outright leaves no
    /// service behind (ServiceDefaults' LauncherWatch).
    /// </summary>
    public static IDistributedApplicationBuilder StopServicesWithTheirLauncher(this IDistributedApplicationBuilder builder) =>
        builder.SetOnEveryProjectWhileRunning("ExitWithLauncher", "true");
}
