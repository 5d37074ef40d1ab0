using Yarp.ReverseProxy.Configuration;

namespace Birthday.Gateway;

public static class ReverseProxyExtensions
{
    /// <summary>Address of the api as service discovery knows it; the AppHost's reference to "api" fills it in.</summary>
    private const string ApiAddress = "http://api";

    /// <summary>
    /// The only public routes: the versioned users API. Everything else (admin, /alive, OpenAPI, metrics) has no route,
    /// so the gateway answers 404 for it.
    /// </summary>
    public static WebApplicationBuilder AddApiReverseProxy(this WebApplicationBuilder builder)
    {
        RouteConfig[] routes =
        [
            new() { RouteId = "api-v1", ClusterId = "api", Match = new RouteMatch { Path = "/api/v1/{**rest}" } },
        ];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = "api",
                LoadBalancingPolicy = "LeastRequests",
                Destinations = new Dictionary<string, DestinationConfig> { ["api"] = new() { Address = ApiAddress } },
            },
        ];

        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddServiceDiscoveryDestinationResolver();

        builder.Services.AddHttpClient(ApiHealthCheck.HttpClientName, c => c.BaseAddress = new Uri(ApiAddress));
        builder.Services.AddHealthChecks().AddCheck<ApiHealthCheck>("api");
        return builder;
    }
}
