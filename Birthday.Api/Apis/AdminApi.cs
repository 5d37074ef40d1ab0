using System.Security.Cryptography;
using System.Text;
using Birthday.Api.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.Api.Apis;

public static class AdminApi
{
    public const string KeyHeader = "X-Admin-Key";

    /// <summary>
    /// Operations for whoever runs the service: counts by status, re-driving what failed, and (in virtual time only) the
    /// clock. Mapped under /admin/v1, which the gateway routes only when told to (Gateway:ExposeAdmin, for load tests), and each call needs
    /// the admin key (the AppHost's secret parameter admin-api-key).
    /// </summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").WithTags("Admin").AddEndpointFilter(RequireAdminKey).ExcludeFromDescription();
        admin.MapGet("/messages/summary", Summary);
        admin.MapPost("/messages/redrive-failed", RedriveFailed);
        admin.MapPost("/dead-letters/redrive", RedriveDeadLetters);
        admin.MapClockEndpoints();
        return app;
    }

    public static async Task<Ok<MessageSummary>> Summary(MessageAdministration administration, CancellationToken cancellationToken) =>
        TypedResults.Ok(await administration.SummaryAsync(cancellationToken));

    public static async Task<Ok<RedriveResult>> RedriveFailed(MessageAdministration administration, CancellationToken cancellationToken) =>
        TypedResults.Ok(await administration.RedriveFailedAsync(cancellationToken));

    public static async Task<Ok<RedriveResult>> RedriveDeadLetters(DeadLetterRedrive redrive, CancellationToken cancellationToken) =>
        TypedResults.Ok(await redrive.RedriveAsync(cancellationToken));

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()["Admin:ApiKey"];
        var given = context.HttpContext.Request.Headers[KeyHeader].ToString();
        if (string.IsNullOrEmpty(expected) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(
                detail: $"Admin operations need the {KeyHeader} header with the admin key.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Not authorised.",
                extensions: new Dictionary<string, object?> { ["code"] = "admin_key_required" });
        }

        return await next(context);
    }
}
