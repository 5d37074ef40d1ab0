using System.Globalization;
using Birthday.EmailSimulator.Delivery;
using Birthday.EmailSimulator.Stats;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.EmailSimulator.Endpoints;

public static class InspectionEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary><c>GET /sent</c> and <c>GET /stats</c>: what tests and benchmarks check after driving the application.</summary>
    public static IEndpointRouteBuilder MapInspectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sent", ListSent);
        app.MapGet("/stats", GetStats);
        return app;
    }

    /// <summary>The latest deliveries (to <paramref name="email"/> when given, in any case), oldest first.</summary>
    /// <remarks>
    /// <paramref name="limit"/> is taken as text and parsed here: bound as an int, "abc" would fail binding, which
    /// Development turns into a 500 rather than a 400.
    /// </remarks>
    public static Results<Ok<IReadOnlyList<SentEmail>>, ValidationProblem> ListSent(SentEmailLog log, string? email = null, string? limit = null)
    {
        if (!TryReadLimit(limit, out var count))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"The limit must be from 1 to {MaxLimit}."] });
        }

        return TypedResults.Ok(string.IsNullOrWhiteSpace(email) ? log.Latest(count) : log.LatestTo(email, count));
    }

    public static Ok<SimulatorStats> GetStats(SimulatorCounters counters) => TypedResults.Ok(counters.Snapshot());

    private static bool TryReadLimit(string? text, out int limit)
    {
        if (text is null)
        {
            limit = DefaultLimit;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit;
    }
}
