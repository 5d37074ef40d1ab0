using Microsoft.AspNetCore.HttpOverrides;

namespace Birthday.Api.Extensions;

public static class GatewayContractExtensions
{
    private const string RequestIdHeader = "X-Request-ID";
    private const string ServedByHeader = "X-Served-By";

    /// <summary>
    /// What the api agrees with the gateway in front of it: X-Forwarded-For/-Proto are believed only from a known proxy
    /// (loopback by default; <c>ForwardedHeaders:KnownNetworks</c> adds a deployment's gateway network), the gateway's
    /// X-Request-ID goes into every log line of the request and back into the response, and X-Served-By names this
    /// instance (the gateway strips it unless told to show it, for tests and benchmarks).
    /// </summary>
    public static WebApplication UseGatewayContract(this WebApplication app)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        foreach (var network in app.Configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        app.UseForwardedHeaders(forwarded);

        var instance = app.Configuration["OTEL_SERVICE_NAME"] ?? Environment.MachineName;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Birthday.Api.Requests");
        app.Use(async (context, next) =>
        {
            var requestId = context.Request.Headers[RequestIdHeader].ToString();
            context.Response.OnStarting(() =>
            {
                if (requestId.Length > 0)
                {
                    context.Response.Headers[RequestIdHeader] = requestId;
                }

                context.Response.Headers[ServedByHeader] = instance;
                return Task.CompletedTask;
            });

            using (requestId.Length > 0 ? logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }) : null)
            {
                await next(context);
            }
        });
        return app;
    }
}
