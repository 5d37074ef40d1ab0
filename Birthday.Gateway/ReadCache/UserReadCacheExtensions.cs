using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Birthday.Gateway.ReadCache;

public static class UserReadCacheExtensions
{
    public const string RedisConnectionName = "cache";

    /// <summary>
    /// The cache of single-user reads (<see cref="UserReadCache"/>) and the listener that keeps it honest. Without a Redis
    /// connection (<c>ConnectionStrings:cache</c>) nothing can be heard, so nothing is cached and every read is forwarded.
    /// </summary>
    public static WebApplicationBuilder AddUserReadCache(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserReadCache>();
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(RedisConnectionName))
            && builder.Configuration.GetValue($"{GatewayOptions.SectionName}:UserCache:Enabled", true))
        {
            // Redis is how changes are heard, not a need of the gateway: its absence only turns the cache off.
            builder.AddRedisClient(RedisConnectionName, settings => settings.DisableHealthChecks = true);
            builder.Services.AddHostedService<UserChangeListener>();
        }

        return builder;
    }
}
