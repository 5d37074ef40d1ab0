using System.Security.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.ResponseCompression;

namespace Birthday.Gateway;

public static class GatewayServerExtensions
{
    /// <summary>
    /// Kestrel as a public door: no Server header, header and keep-alive timeouts, HTTP/1.1 and HTTP/2, TLS 1.2/1.3 only
    /// (the certificate comes from configuration, e.g. <c>Kestrel:Endpoints:https:Certificate:Path</c>), and compressed JSON.
    /// </summary>
    public static WebApplicationBuilder AddGatewayServer(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(65);
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.ConfigureHttpsDefaults(https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
        });
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
