using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class WarmUpExtensions
{
    /// <summary>Runs <typeparamref name="TWarmUp"/> once the service has started, and keeps the service unready until it has.</summary>
    public static IHostApplicationBuilder AddWarmUp<TWarmUp>(this IHostApplicationBuilder builder) where TWarmUp : WarmUpService
    {
        builder.Services.AddSingleton<WarmUpState>();
        builder.Services.AddHostedService<TWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<WarmUpHealthCheck>(WarmUpHealthCheck.Name);
        return builder;
    }
}
