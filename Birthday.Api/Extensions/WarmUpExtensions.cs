using Birthday.Api.WarmUp;

namespace Birthday.Api.Extensions;

public static class WarmUpExtensions
{
    /// <summary>The instance runs its request paths once after it starts, and is not ready until it has (<see cref="RequestPathWarmUp"/>).</summary>
    public static WebApplicationBuilder AddRequestPathWarmUp(this WebApplicationBuilder builder)
    {
        builder.AddWarmUp<RequestPathWarmUp>();
        return builder;
    }
}
