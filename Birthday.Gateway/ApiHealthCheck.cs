using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Gateway;

/// <summary>The gateway is only ready when the api behind it is: a load balancer in front of us should not send traffic we cannot serve.</summary>
public sealed class ApiHealthCheck(IHttpClientFactory httpClientFactory) : IHealthCheck
{
    public const string HttpClientName = "api-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.GetAsync(new Uri(ServiceDefaultsExtensions.HealthEndpointPath, UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"the api answered {(int)response.StatusCode} to /health");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("the api does not answer", ex);
        }
    }
}
