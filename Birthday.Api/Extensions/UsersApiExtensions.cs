using Birthday.Api.Users;
using Birthday.Core.Messages;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Birthday.Api.Extensions;

public static class UsersApiExtensions
{
    /// <summary>The users API's own services: reads, writes, the shared cache, and the occasion rules they apply.</summary>
    public static WebApplicationBuilder AddUsersApi(this WebApplicationBuilder builder)
    {
        // Aspire's Redis client (tracing) owns the connection the user cache uses. Redis is a help, not a need (reads
        // fall back to the database), so its absence makes the api Degraded, not unready.
        builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddCheck<CacheHealthCheck>("cache", failureStatus: HealthStatus.Degraded);

        builder.AddOccasionRules();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UserCache>();
        builder.Services.AddSingleton<ReplicaAvailability>();
        builder.Services.AddScoped<UserStore>();
        builder.Services.AddScoped<UserQueries>();
        builder.Services.AddScoped<Admin.MessageAdministration>();
        builder.Services.AddSingleton<Admin.DeadLetterRedrive>();

        builder.Services.AddProblemAnswers();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static RouteHandlerBuilder WithRequestSizeLimit(this RouteHandlerBuilder endpoint, long bytes) =>
        endpoint.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(bytes));
}
