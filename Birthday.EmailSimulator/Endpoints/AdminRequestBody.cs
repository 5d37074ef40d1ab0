using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.EmailSimulator.Endpoints;

/// <summary>
/// Reads an admin body and checks its data annotations, so a bad value, malformed JSON or an unknown property all come
/// back as one 400 validation problem naming the field, never as an empty 400 or a 500.
/// </summary>
public static class AdminRequestBody
{
    private const string BodyField = "body";

    public static async Task<ValidatedBody<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return Invalid<T>(BodyField, "The body must be JSON (Content-Type: application/json).");
        }

        T? value;
        try
        {
            value = await request.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException ex)
        {
            return Invalid<T>(BodyField, ex.Message);
        }

        if (value is null)
        {
            return Invalid<T>(BodyField, "The body must be a JSON object.");
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            return new ValidatedBody<T>(value, null);
        }

        var errors = results
            .SelectMany(result => (result.MemberNames.Any() ? result.MemberNames : [BodyField])
                .Select(member => (Field: JsonNamingPolicy.CamelCase.ConvertName(member), Reason: result.ErrorMessage ?? "Invalid value.")))
            .GroupBy(error => error.Field)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Reason).ToArray());
        return new ValidatedBody<T>(default!, TypedResults.ValidationProblem(errors));
    }

    private static ValidatedBody<T> Invalid<T>(string field, string reason) where T : class =>
        // No value to give back: callers read Value only when Problem is null.
        new(default!, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }));
}

/// <summary>A body that passed validation (<see cref="Problem"/> null), or the 400 to answer instead.</summary>
public readonly record struct ValidatedBody<T>(T Value, ValidationProblem? Problem) where T : class;
