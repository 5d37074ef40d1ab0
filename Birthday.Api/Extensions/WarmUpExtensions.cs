using Birthday.Api.WarmUp;

namespace Birthday.Api.Extensions;

public static class WarmUpExtensions
{
    /// <summary>The instance runs its request paths once after it starts, and is not ready until it has (<see cref="RequestPathWarmUp"/>).</summary>
    public static WebApplicationBuilder AddRequestPathWarmUp(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WarmUpState>();
        builder.Services.AddHostedService<RequestPathWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<WarmUpHealthCheck>("warm-up");
        return builder;
    }
}
