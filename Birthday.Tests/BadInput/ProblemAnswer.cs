using System.Net.Http.Headers;
using System.Text.Json;

namespace Birthday.Tests.BadInput;

/// <summary>What every refusal must look like: the expected 4xx, and an RFC 9457 body that agrees with it.</summary>
public static class ProblemAnswer
{
    /// <summary>Null when the answer is right; otherwise what was wrong, with the case's name, to collect and show all at once.</summary>
    public static async Task<string?> CheckAsync(BadRequestCase request, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var shown = text.Length <= 300 ? text : text[..300] + "…";
        if (status != request.Status)
        {
            return $"{request}: expected {request.Status}, got {status}: {shown}";
        }

        return Check(response.Content.Headers.ContentType, status, text, request.Field) is { } fault ? $"{request}: {fault}: {shown}" : null;
    }

    public static string? Check(MediaTypeHeaderValue? contentType, int status, string body, string? field)
    {
        if (contentType?.MediaType != "application/problem+json")
        {
            return $"Content-Type {contentType?.ToString() ?? "(none)"}, not application/problem+json";
        }

        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "the problem body is not JSON";
        }

        if (!problem.TryGetProperty("status", out var given) || given.ValueKind != JsonValueKind.Number || given.GetInt32() != status)
        {
            return $"the problem's status is not {status}";
        }

        if (!problem.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String || title.GetString()!.Length == 0)
        {
            return "the problem has no title";
        }

        if (field is not null && !(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            && errors.TryGetProperty(field, out var reasons) && reasons.ValueKind == JsonValueKind.Array && reasons.GetArrayLength() > 0
            && reasons.EnumerateArray().All(r => r.ValueKind == JsonValueKind.String && r.GetString()!.Length > 0)))
        {
            return $"errors does not name {field} with a reason";
        }

        return null;
    }
}
