using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Birthday.Hosting;

public static class TraceSamplingExtensions
{
    /// <summary>The share of traces kept while running: 1 (every trace) unless the AppHost is given a lower one.</summary>
    public const string RatioSetting = "Telemetry:TraceSampleRatio";

    /// <summary>
    /// While running (the exports set their own sampler), every project keeps every trace, but follows its parent's
    /// decision: Aspire's development default, <c>always_on</c>, also records what runs under a span deliberately not
    /// recorded, such as a health probe's database and Redis calls, and the dashboard then lists each of them as a trace
    /// of its own with its parent missing. With <see cref="RatioSetting"/> below 1 it samples as the exported Compose file
    /// does with <c>TRACE_SAMPLE_RATIO</c>: the public door (a project with external endpoints) keeps that share of
    /// requests by trace id alone, and every service behind it follows the trace it continues, so a load test here
    /// measures the application as production would run it.
    /// </summary>
    public static IDistributedApplicationBuilder SampleTracesWhileRunning(this IDistributedApplicationBuilder builder)
    {
        var ratio = builder.Configuration.GetValue(RatioSetting, 1.0);
        if (ratio is < 0 or > 1 || double.IsNaN(ratio))
        {
            throw new InvalidOperationException($"{RatioSetting} is {ratio}: it is a share of traces, from 0 to 1.");
        }

        var arg = ratio.ToString(CultureInfo.InvariantCulture);
        builder.SetOnEveryProjectWhileRunning("OTEL_TRACES_SAMPLER", project => SamplerFor(project, ratio));
        return ratio == 1 ? builder : builder.SetOnEveryProjectWhileRunning("OTEL_TRACES_SAMPLER_ARG", arg);
    }

    /// <summary>OpenTelemetry's sampler (<c>OTEL_TRACES_SAMPLER</c>) for <paramref name="project"/> when a share <paramref name="ratio"/> of traces is kept.</summary>
    public static string SamplerFor(ProjectResource project, double ratio) =>
        ratio == 1 ? "parentbased_always_on"
        : IsPublicDoor(project) ? "traceidratio"
        : "parentbased_traceidratio";

    private static bool IsPublicDoor(ProjectResource project) =>
        project.TryGetEndpoints(out var endpoints) && endpoints.Any(endpoint => endpoint.IsExternal);
}
