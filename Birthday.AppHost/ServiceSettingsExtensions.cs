using System.Globalization;
using Birthday.Hosting;

namespace Birthday.AppHost;

public static class ServiceSettingsExtensions
{
    /// <summary>Sections of the AppHost's own configuration that are handed down unchanged to the services that read them.</summary>
    private static readonly string[] ForwardedSections = ["Delivery", "Scheduler", "Worker", "EmailService", "Occasions"];

    private static readonly string AnchorNow = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Hands a service the application's clock and delivery settings. The AppHost parameter <c>clock-start</c>
    /// (an ISO instant; tests and benchmarks only, production never sets it) starts every service's clock at that
    /// virtual instant, all anchored to the same real moment: the AppHost's start. Each service knows its resource name,
    /// under which a test may set its clock apart from the others (virtual_clock_skew).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBirthdaySettings(this IResourceBuilder<ProjectResource> project)
    {
        var configuration = project.ApplicationBuilder.Configuration;
        if (configuration["Parameters:clock-start"] is { Length: > 0 } clockStart)
        {
            project.WithEnvironment("Clock__VirtualStart", clockStart)
                .WithEnvironment("Clock__VirtualStartAnchor", AnchorNow)
                .WithEnvironment("Clock__Service", project.Resource.Name);
        }

        return project.WithForwardedSettings(ForwardedSections);
    }
}
