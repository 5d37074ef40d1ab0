using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Birthday.Worker.Sending;

/// <summary>
/// The vendor's contract: <c>POST /send-email {email, message}</c> → <c>200 {success, messageId}</c>, errors as
/// <c>{error, message}</c>. Every call carries the row's idempotency key, so retries never deliver twice.
/// Quick retries, timeouts and the circuit breaker come from the HttpClient's resilience pipeline.
/// </summary>
public sealed class EmailClient(HttpClient http)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public async Task<SendOutcome> SendAsync(string email, string message, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("send-email", UriKind.Relative))
        {
            Content = JsonContent.Create(new { email, message }),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return MessageId(body) is { } id
                    ? SendOutcome.Delivered(id)
                    : SendOutcome.Transient($"HTTP {(int)response.StatusCode} without a messageId: {Shorten(body)}");
            }

            var error = $"HTTP {(int)response.StatusCode}: {Shorten(body)}";
            return IsPermanent(response.StatusCode)
                ? SendOutcome.Permanent(error)
                : SendOutcome.Transient(error, response.Headers.RetryAfter?.Delta);
        }
        catch (BrokenCircuitException ex)
        {
            return SendOutcome.Transient("circuit open: the email service is failing", ex.RetryAfter, reachedVendor: false);
        }
        catch (TimeoutRejectedException)
        {
            return SendOutcome.Transient("the email service did not answer in time");
        }
        catch (HttpRequestException ex)
        {
            return SendOutcome.Transient($"network: {ex.Message}");
        }
    }

    /// <summary>4xx means the request itself is wrong and will stay wrong, except a timeout (408) and too many requests (429).</summary>
    public static bool IsPermanent(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;

    private static string? MessageId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
