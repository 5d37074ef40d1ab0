using Birthday.EmailSimulator.Delivery;
using Birthday.EmailSimulator.Faults;
using Birthday.EmailSimulator.Stats;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.EmailSimulator.Endpoints;

public static class SimulatorAdminEndpoints
{
    /// <summary>
    /// <c>/admin/…</c>: how tests and benchmarks steer the simulator while it runs. Unauthenticated on purpose: the
    /// simulator only ever runs on a developer's or CI's machine.
    /// </summary>
    public static IEndpointRouteBuilder MapSimulatorAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/failure-modes", GetFailureModes);
        admin.MapPut("/failure-modes", ReplaceFailureModes);
        admin.MapPost("/outage", StartOutage);
        admin.MapPost("/throttle", ForceThrottle);
        admin.MapPost("/reset", Reset);
        return app;
    }

    public static Ok<FailureModes> GetFailureModes(CurrentFailureModes current) => TypedResults.Ok(current.Value);

    /// <summary>Replaces every failure mode; a property left out takes its default, as PUT replaces the whole.</summary>
    public static async Task<Results<Ok<FailureModes>, ValidationProblem>> ReplaceFailureModes(
        HttpRequest request, CurrentFailureModes current, CancellationToken cancellationToken)
    {
        var body = await AdminRequestBody.ReadAsync<FailureModes>(request, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        current.Replace(body.Value);
        return TypedResults.Ok(body.Value);
    }

    public static async Task<Results<Ok<OutageStatus>, ValidationProblem>> StartOutage(
        HttpRequest request, Outage outage, CancellationToken cancellationToken)
    {
        var body = await AdminRequestBody.ReadAsync<OutageRequest>(request, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(outage.Start(TimeSpan.FromSeconds(body.Value.Seconds ?? 0)));
    }

    public static async Task<Results<Ok<ThrottleStatus>, ValidationProblem>> ForceThrottle(
        HttpRequest request, ForcedThrottle throttle, CancellationToken cancellationToken)
    {
        var body = await AdminRequestBody.ReadAsync<ThrottleRequest>(request, cancellationToken);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(throttle.Force(body.Value.Requests ?? 0, body.Value.RetryAfterSeconds));
    }

    /// <summary>Forgets deliveries, remembered idempotency keys and counters; failure modes, outage and throttle stay.</summary>
    public static NoContent Reset(SentEmailLog log, IdempotencyLedger ledger, SimulatorCounters counters)
    {
        log.Clear();
        ledger.Clear();
        counters.Reset();
        return TypedResults.NoContent();
    }
}
