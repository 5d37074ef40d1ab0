using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class OpenTelemetryExtensions
{
    /// <summary>Activity sources and meters of the Birthday services themselves (Birthday.Api, Birthday.Worker, …).</summary>
    public const string BirthdayTelemetryPrefix = "Birthday.";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter(BirthdayTelemetryPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(BirthdayTelemetryPrefix + "*")
                .AddSource("Npgsql")
                .AddSource("RabbitMQ.Client.*")
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Health probes arrive every few seconds from the orchestrator and the gateway; tracing them buries real requests.
                    aspnet.Filter = context => !IsHealthProbe(context.Request.Path.Value))
                // The same for the probes this service sends (the gateway checks every api instance every few seconds).
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request => !IsHealthProbe(request.RequestUri?.AbsolutePath))
                .AddProcessor(new StandaloneDependencyCallFilter()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsHealthProbe(string? path) =>
        path is not null
        && (path.StartsWith(ServiceDefaultsExtensions.HealthEndpointPath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(ServiceDefaultsExtensions.AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase));
}
