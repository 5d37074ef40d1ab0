using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Hosting.Infrastructure;

internal static class HealthCheckExtensions
{
    /// <summary>
    /// The resource is healthy when <paramref name="check"/> says so: the check is registered with the AppHost's health
    /// checks as <c>{resource}-health</c>, which Aspire runs for the dashboard and for everything that waits on it. While
    /// the resource is not healthy, each run of the check keeps asking for a few seconds (<see cref="AskingUntilHealthy"/>).
    /// </summary>
    public static IResourceBuilder<T> WithHealthCheck<T>(this IResourceBuilder<T> resource, Func<IHealthCheck> check)
        where T : IResource
    {
        var key = $"{resource.Resource.Name}-health";
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => new AskingUntilHealthy(check()), null, null));
        return resource.WithHealthCheck(key);
    }
}
