using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.Api.Apis;

/// <summary>
/// Reads a request body as a JSON document ourselves (rather than binding to a type) so that malformed JSON, a wrong
/// content type and an oversized body each get their own problem answer, and a field of the wrong type is reported
/// against that field.
/// </summary>
public readonly record struct JsonBody(JsonElement Value, ProblemHttpResult? Problem)
{
    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return new JsonBody(default, ApiProblems.UnsupportedMediaType(request.ContentType));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            return new JsonBody(document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return new JsonBody(default, ApiProblems.MalformedJson(ex));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new JsonBody(default, ApiProblems.PayloadTooLarge());
        }
    }
}
