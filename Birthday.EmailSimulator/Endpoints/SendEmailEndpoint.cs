using System.Text.Json;
using Birthday.EmailSimulator.Contract;
using Birthday.EmailSimulator.Delivery;
using Birthday.EmailSimulator.Stats;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.EmailSimulator.Endpoints;

public static class SendEmailEndpoint
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary><c>POST /send-email</c>, the vendor's one business endpoint.</summary>
    public static IEndpointRouteBuilder MapSendEmailEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/send-email", SendEmail);
        return app;
    }

    public static async Task<Results<Ok<SendEmailResponse>, VendorErrorResult, EmptyHttpResult>> SendEmail(
        HttpRequest request, SimulatedVendor vendor, SimulatorCounters counters, CancellationToken aborted)
    {
        counters.CountRequest();

        // The body is read by hand, not bound, so that every unreadable body gets the vendor's 400 shape, never a 500
        // or an empty 400.
        if (!request.HasJsonContentType())
        {
            return Invalid(counters, "not_json", $"The body must be JSON (Content-Type: application/json), not '{request.ContentType ?? "(none)"}'.");
        }

        SendEmailRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<SendEmailRequest>(aborted);
        }
        catch (JsonException)
        {
            return Invalid(counters, "malformed_json", "The body is not valid JSON, or email or message is not a string.");
        }

        if (string.IsNullOrWhiteSpace(body?.Email) || string.IsNullOrWhiteSpace(body.Message))
        {
            return Invalid(counters, "invalid_request", "Both email and message are required and must not be empty.");
        }

        var keys = request.Headers[IdempotencyKeyHeader];
        if (keys.Count > 1 || (keys.Count == 1 && (string.IsNullOrWhiteSpace(keys[0]) || keys[0]!.Length > MaxIdempotencyKeyLength)))
        {
            return Invalid(counters, "invalid_idempotency_key",
                $"{IdempotencyKeyHeader} must be one non-empty value of at most {MaxIdempotencyKeyLength} characters.");
        }

        var traceParent = request.Headers.TryGetValue("traceparent", out var trace) ? trace.ToString() : null;
        return await vendor.SendAsync(body.Email, body.Message, keys.Count == 1 ? keys[0] : null, traceParent, aborted);
    }

    private static VendorErrorResult Invalid(SimulatorCounters counters, string error, string message)
    {
        counters.CountFailure(FailureKind.Invalid);
        return VendorErrorResult.InvalidRequest(error, message);
    }
}
