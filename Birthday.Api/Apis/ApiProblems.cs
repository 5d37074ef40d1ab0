using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.Api.Apis;

/// <summary>
/// Every refusal as RFC 9457 problem details with a stable <c>code</c> clients can branch on, and for validation the
/// field names with the reasons.
/// </summary>
public static class ApiProblems
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedJsonCode = "malformed_json";
    public const string UnsupportedMediaTypeCode = "unsupported_media_type";
    public const string PayloadTooLargeCode = "payload_too_large";
    public const string UserNotFoundCode = "user_not_found";
    public const string EmailTakenCode = "email_taken";

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            title: "The request has invalid fields.",
            detail: "See errors: each field with the reasons it was refused.",
            extensions: Code(ValidationFailed));

    public static ProblemHttpResult MalformedJson(JsonException error) =>
        Problem(StatusCodes.Status400BadRequest, MalformedJsonCode, "The body is not valid JSON.",
            error.LineNumber is { } line ? $"JSON syntax error near line {line + 1}, byte {error.BytePositionInLine + 1}." : "JSON syntax error.");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaTypeCode, "The body must be JSON.",
            $"Content-Type was '{contentType ?? "(none)"}'; send application/json.");

    public static ProblemHttpResult PayloadTooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, PayloadTooLargeCode, "The body is too large.",
            $"A user is at most {Apis.UsersApi.MaxBodyBytes / 1024} KiB of JSON.");

    public static ProblemHttpResult UserNotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, UserNotFoundCode, "No such user.", $"There is no active user with id '{Shorten(id)}'.");

    public static ProblemHttpResult EmailTaken(string email) =>
        Problem(StatusCodes.Status409Conflict, EmailTakenCode, "The email is taken.",
            $"An active user already has the email '{email}' (compared without regard to case).");

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: Code(code));

    private static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
