using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

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
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType() || !IsUtf8(request.ContentType))
        {
            return new JsonBody(default, ApiProblems.UnsupportedMediaType(request.ContentType));
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);

            // The parser checks JSON's grammar, not the bytes inside strings: invalid UTF-8 would only surface later, as an
            // exception wherever a string is read. One vectorised pass over the text the document already holds refuses
            // it here, for every field at once (known or not), without a copy.
            if (!Utf8.IsValid(JsonMarshal.GetRawUtf8Value(document.RootElement)))
            {
                return new JsonBody(default, ApiProblems.InvalidUtf8());
            }

            return new JsonBody(document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return new JsonBody(default, ApiProblems.MalformedJson(ex));
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's refusals while the body is read: too large (413), too slow (408), cut short (400).
            return new JsonBody(default, ApiProblems.BadRequest(ex));
        }
    }

    /// <summary>JSON is UTF-8 (RFC 8259 §8.1): a charset that says otherwise, or says nothing (<c>charset=</c>), would have us misread the text.</summary>
    private static bool IsUtf8(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        foreach (var parameter in mediaType.Parameters)
        {
            if (parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                var charset = HeaderUtilities.RemoveQuotes(parameter.Value);
                return charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
            }
        }

        return true;
    }
}
