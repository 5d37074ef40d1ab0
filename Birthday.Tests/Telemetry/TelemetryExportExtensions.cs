using Aspire.Hosting.ApplicationModel;

namespace Birthday.Tests.Telemetry;

public static class TelemetryExportExtensions
{
    /// <summary>
    /// Points every service that exports telemetry at <paramref name="receiver"/> instead of a dashboard. Aspire sets the
    /// OTLP variables in an environment callback of its own; this one runs after it, so its values win. Nothing else of
    /// the services changes: they export what they always export, only to another address.
    /// </summary>
    public static IDistributedApplicationTestingBuilder ExportTelemetryTo(this IDistributedApplicationTestingBuilder builder, OtlpTraceReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(receiver);
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>().Where(r => r.Annotations.OfType<OtlpExporterAnnotation>().Any()))
        {
            resource.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
            {
                environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString();
                environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                // A span reaches the receiver within a second of ending, as it reaches the dashboard while developing.
                environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            }));
        }

        return builder;
    }
}
