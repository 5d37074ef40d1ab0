using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace Birthday.Gateway;

public static class ReverseProxyExtensions
{
    public const string ServedByHeader = "X-Served-By";

    /// <summary>The api's /admin/v1 operations (each still needs the admin key), for load tests that drive the clock.</summary>
    private static readonly Dictionary<string, string?> AdminRoute = new()
    {
        ["ReverseProxy:Routes:admin:ClusterId"] = "api",
        ["ReverseProxy:Routes:admin:RateLimiterPolicy"] = "api",
        ["ReverseProxy:Routes:admin:Match:Path"] = "/admin/v1/{**rest}",
    };

    /// <summary>
    /// YARP from the <c>ReverseProxy</c> section: the public routes (the users API, nothing else) and the api cluster
    /// (least requests, active and passive health checks). The AppHost fills in one destination per api instance;
    /// service discovery resolves their names.
    /// </summary>
    public static WebApplicationBuilder AddApiReverseProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        if (builder.Configuration.GetValue<bool>($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.ExposeAdmin)}"))
        {
            builder.Configuration.AddInMemoryCollection(AdminRoute);
        }

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(transforms =>
            {
                var exposeServedBy = transforms.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.ExposeServedBy;
                transforms.AddProblemBodyForEmptyErrors();
                transforms.AddResponseTransform(context =>
                {
                    if (!exposeServedBy)
                    {
                        context.HttpContext.Response.Headers.Remove(ServedByHeader);
                    }

                    return ValueTask.CompletedTask;
                });
            });
        // The passive policy keeps an instance out for the longer of its ReactivationPeriod and this window (60 s by
        // default): an api instance restarted after a crash would be left unused for a minute after it is healthy again.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(passive => passive.DetectionWindowSize = TimeSpan.FromSeconds(10));
        builder.Services.AddHealthChecks().AddCheck<ApiClusterHealthCheck>("api-cluster");
        return builder;
    }

    /// <summary>The proxied routes, with YARP's standard pipeline and two steps of ours in front of load balancing.</summary>
    public static WebApplication MapApiReverseProxy(this WebApplication app)
    {
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(ReadCache.UserReadCaching.InvokeAsync);
            pipeline.Use(IdempotentRetry.InvokeAsync);
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }
}
