using System.Security.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Birthday.Gateway;

public static class GatewayServerExtensions
{
    /// <summary>
    /// Kestrel as a public door: no Server header, the edge limits of <see cref="EdgeLimitOptions"/> (timeouts, data rates,
    /// connections in total and per client, header and HTTP/2 sizes), HTTP/1.1 and HTTP/2, TLS 1.2/1.3 only (the
    /// certificate comes from configuration, e.g. <c>Kestrel:Endpoints:https:Certificate:Path</c>), and compressed JSON.
    /// </summary>
    public static WebApplicationBuilder AddGatewayServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new ClientConnectionLimit(
            services.GetRequiredService<IOptions<GatewayOptions>>().Value.Edge.MaxConnectionsPerClient,
            services.GetRequiredService<ILogger<ClientConnectionLimit>>()));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
        {
            kestrel.AddServerHeader = false;
            ApplyEdgeLimits(kestrel.Limits, gateway.Value.Edge);
            kestrel.ConfigureEndpointDefaults(listen =>
                listen.Use(listen.ApplicationServices.GetRequiredService<ClientConnectionLimit>().Wrap));
            kestrel.ConfigureHttpsDefaults(https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = ["application/json", "application/problem+json"];
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        return builder;
    }

    private static void ApplyEdgeLimits(KestrelServerLimits limits, EdgeLimitOptions edge)
    {
        limits.RequestHeadersTimeout = edge.RequestHeadersTimeout;
        limits.KeepAliveTimeout = edge.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(edge.MinRequestBodyBytesPerSecond, edge.DataRateGracePeriod);
        limits.MinResponseDataRate = new MinDataRate(edge.MinResponseBytesPerSecond, edge.DataRateGracePeriod);
        limits.MaxConcurrentConnections = edge.MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = edge.MaxConcurrentConnections;
        limits.MaxRequestHeadersTotalSize = edge.MaxRequestHeadersTotalBytes;
        limits.MaxRequestHeaderCount = edge.MaxRequestHeaderCount;
        limits.MaxRequestLineSize = edge.MaxRequestLineBytes;
        limits.Http2.MaxStreamsPerConnection = edge.Http2MaxStreamsPerConnection;
        limits.Http2.HeaderTableSize = edge.Http2HeaderTableSize;
        limits.Http2.MaxFrameSize = edge.Http2MaxFrameSize;
        limits.Http2.MaxRequestHeaderFieldSize = edge.Http2MaxRequestHeaderFieldSize;
    }

    /// <summary>
    /// The gateway answers /health itself, from its own checks and its view of the api instances. Its /alive and any
    /// other internal endpoint are not mapped: from outside, only /health and the users API exist.
    /// </summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks(ServiceDefaultsExtensions.HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .DisableHttpMetrics()
            .DisableRateLimiting();
        return app;
    }
}
