using System.Text.Json;
using Birthday.Core.Time;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime.Text;

namespace Birthday.Api.Apis;

/// <summary>The application's virtual clock, for load tests and demos: read it, move it forward.</summary>
public static class ClockApi
{
    public const string ClockMovedBackCode = "clock_moved_back";

    /// <summary>
    /// Mapped only when the application runs in virtual time (AppHost parameter <c>clock-start</c>); a deployment on
    /// the real clock has no such endpoint at all.
    /// </summary>
    public static RouteGroupBuilder MapClockEndpoints(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (((IEndpointRouteBuilder)admin).ServiceProvider.GetService<ApplicationClock>() is null)
        {
            return admin;
        }

        admin.MapGet("/clock", GetClock);
        admin.MapPut("/clock", MoveClock);
        return admin;
    }

    public static async Task<Ok<ClockResponse>> GetClock(VirtualClockControl control, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ClockResponse(InstantPattern.ExtendedIso.Format(await control.SharedNowAsync(cancellationToken))));

    public static async Task<Results<Ok<ClockResponse>, ValidationProblem, ProblemHttpResult>> MoveClock(
        HttpRequest request, VirtualClockControl control, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var text = body.Value.ValueKind == JsonValueKind.Object && body.Value.TryGetProperty("now", out var now)
            && now.ValueKind == JsonValueKind.String ? now.GetString() : null;
        var parsed = text is null ? null : InstantPattern.ExtendedIso.Parse(text);
        if (parsed is not { Success: true })
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["now"] = ["An ISO 8601 UTC instant such as 2027-03-14T08:59:00Z."] });
        }

        if (!await control.AdvanceToAsync(parsed.Value, cancellationToken))
        {
            return TypedResults.Problem(
                detail: $"The application's clock already reads {InstantPattern.ExtendedIso.Format(await control.SharedNowAsync(cancellationToken))}; it only moves forward.",
                statusCode: StatusCodes.Status409Conflict, title: "The clock cannot go back.",
                extensions: new Dictionary<string, object?> { ["code"] = ClockMovedBackCode });
        }

        return TypedResults.Ok(new ClockResponse(InstantPattern.ExtendedIso.Format(parsed.Value)));
    }
}

public sealed record ClockResponse(string Now);
