using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Birthday.Hosting;

public static class MetricExportExtensions
{
    /// <summary>How often the services send their metrics to the dashboard while running, unless Dashboard:MetricExportInterval says otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While running, Aspire asks every project to export its metrics each second, so that the dashboard's charts move at
    /// once. With a dozen .NET processes, collecting, sending and ingesting those exports is most of what the
    /// application does at rest (docs/benchmarks.md, "At rest"); every few seconds still keeps the charts live. Traces
    /// and logs are untouched: they are sent as they happen. The exported files leave the interval to the deployment.
    /// </summary>
    public static IDistributedApplicationBuilder ExportMetricsEveryFewSeconds(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var interval = builder.Configuration.GetValue("Dashboard:MetricExportInterval", DefaultInterval);
        var milliseconds = ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return builder.SetOnEveryProjectWhileRunning("OTEL_METRIC_EXPORT_INTERVAL", milliseconds);
    }
}
