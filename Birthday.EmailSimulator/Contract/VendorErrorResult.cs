using System.Globalization;

namespace Birthday.EmailSimulator.Contract;

/// <summary>
/// Every refusal of the simulated vendor, in the vendor's own shape: a 4xx/5xx status, <c>{"error", "message"}</c>, and
/// for 429 and 503 a Retry-After header in seconds.
/// </summary>
public sealed class VendorErrorResult : IResult, IStatusCodeHttpResult, IValueHttpResult<VendorError>, IValueHttpResult
{
    private VendorErrorResult(int statusCode, string error, string message, int? retryAfterSeconds = null)
    {
        StatusCode = statusCode;
        Value = new VendorError(error, message);
        RetryAfterSeconds = retryAfterSeconds;
    }

    public int StatusCode { get; }

    public VendorError Value { get; }

    public int? RetryAfterSeconds { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public static VendorErrorResult InvalidRequest(string error, string message) =>
        new(StatusCodes.Status400BadRequest, error, message);

    public static VendorErrorResult InvalidRecipient(string email) =>
        new(StatusCodes.Status400BadRequest, "invalid_recipient", $"The recipient '{email}' does not accept email; do not retry.");

    public static VendorErrorResult InternalError() =>
        new(StatusCodes.Status500InternalServerError, "internal_error", "The email service failed to process the request.");

    public static VendorErrorResult BadGateway() =>
        new(StatusCodes.Status502BadGateway, "bad_gateway", "An upstream server of the email service failed.");

    public static VendorErrorResult ServiceUnavailable(int retryAfterSeconds) =>
        new(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The email service is overloaded; retry later.", retryAfterSeconds);

    // Deliberately the same code as an ordinary 503: a client cannot tell an outage from a blip, only by how long it lasts.
    public static VendorErrorResult Outage(int retryAfterSeconds) =>
        new(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The email service is down; retry after the Retry-After delay.", retryAfterSeconds);

    public static VendorErrorResult RateLimited(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; retry after the Retry-After delay.", retryAfterSeconds);

    public static VendorErrorResult GatewayTimeout() =>
        new(StatusCodes.Status504GatewayTimeout, "timeout", "The email service did not answer in time.");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        if (RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return httpContext.Response.WriteAsJsonAsync(Value, httpContext.RequestAborted);
    }
}
