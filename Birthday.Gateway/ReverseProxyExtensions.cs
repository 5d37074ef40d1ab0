using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Birthday.Gateway;

public static class ReverseProxyExtensions
{
    public const string ServedByHeader = "X-Served-By";

    /// <summary>
    /// YARP from the <c>ReverseProxy</c> section: the public routes (the users API, nothing else) and the api cluster
    /// (least requests, active and passive health checks). The AppHost fills in one destination per api instance;
    /// service discovery resolves their names.
    /// </summary>
    public static WebApplicationBuilder AddApiReverseProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(transforms =>
            {
                var exposeServedBy = transforms.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.ExposeServedBy;
                transforms.AddResponseTransform(context =>
                {
                    if (!exposeServedBy)
                    {
                        context.HttpContext.Response.Headers.Remove(ServedByHeader);
                    }

                    return ValueTask.CompletedTask;
                });
            });
        builder.Services.AddSingleton<IForwarderHttpClientFactory, RetryingForwarderHttpClientFactory>();
        builder.Services.AddHealthChecks().AddCheck<ApiClusterHealthCheck>("api-cluster");
        return builder;
    }
}
