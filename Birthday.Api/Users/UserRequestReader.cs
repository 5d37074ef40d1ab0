using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Birthday.Core.Occasions;
using NodaTime;
using NodaTime.Text;

namespace Birthday.Api.Users;

/// <summary>
/// Reads a user from a JSON body field by field, so every problem is reported against its field with a reason
/// (wrong type, empty, too long, not a tzdb zone, not a real date…) instead of one opaque "bad request".
/// </summary>
public sealed class UserRequestReader
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 255;
    public const int MaxLocationLength = 100;
    private static readonly LocalDate EarliestDate = new(1900, 1, 1);

    private readonly Dictionary<string, List<string>> _errors = [];

    public IDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public bool HasErrors => _errors.Count > 0;

    /// <param name="requireAll">True for create: first name, last name, email and time zone must be present.</param>
    public UserChanges Read(JsonElement body, bool requireAll)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            Add("$", "The body must be a JSON object.");
            return new UserChanges(default, default, default, default, default, default, default, default);
        }

        var firstName = RequiredText(body, "firstName", MaxNameLength, requireAll);
        var lastName = RequiredText(body, "lastName", MaxNameLength, requireAll);
        var email = Email(body, requireAll);
        var timeZone = TimeZone(body, requireAll);
        var birthday = Date(body, "birthdayDate");
        var anniversary = Date(body, "anniversaryDate");
        var city = OptionalText(body, "locationCity", MaxLocationLength);
        var country = OptionalText(body, "locationCountry", MaxLocationLength);
        return new UserChanges(firstName, lastName, email, timeZone, birthday, anniversary, city, country);
    }

    /// <summary>Rules across fields, checked on the user as it would be after the change.</summary>
    public void CheckCombination(string timeZone, LocalDate? birthday, LocalDate? anniversary, Instant now)
    {
        var today = TimeZones.TryGetZone(timeZone, out var zone) ? now.InZone(zone).Date : now.InUtc().Date;
        if (birthday > today)
        {
            Add("birthdayDate", $"The date is in the future (today is {Iso(today)} in {timeZone}).");
        }

        if (anniversary > today)
        {
            Add("anniversaryDate", $"The date is in the future (today is {Iso(today)} in {timeZone}).");
        }

        if (birthday is not null && anniversary is not null && anniversary < birthday)
        {
            Add("anniversaryDate", "A work anniversary cannot be before the birthday.");
        }
    }

    public void Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(reason);
    }

    private FieldChange<string> RequiredText(JsonElement body, string field, int maxLength, bool required)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            if (required)
            {
                Add(field, "The field is required.");
            }

            return default;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            Add(field, "The field is required and cannot be null.");
            return default;
        }

        var text = Text(value, field, maxLength);
        if (text is { Length: 0 })
        {
            Add(field, "The field cannot be empty.");
            return default;
        }

        return text is null ? default : FieldChange.Set<string>(text);
    }

    private FieldChange<string?> OptionalText(JsonElement body, string field, int maxLength)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            return default;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return FieldChange.Set<string?>(null);
        }

        var text = Text(value, field, maxLength);
        return text is null ? default : FieldChange.Set<string?>(text.Length == 0 ? null : text);
    }

    private FieldChange<string> Email(JsonElement body, bool required)
    {
        var email = RequiredText(body, "email", MaxEmailLength, required);
        if (email.IsSet && !IsEmailAddress(email.Value))
        {
            Add("email", "The value is not an email address (expected name@domain.tld).");
            return default;
        }

        return email;
    }

    private FieldChange<string> TimeZone(JsonElement body, bool required)
    {
        if (!body.TryGetProperty("timezone", out var value))
        {
            if (required)
            {
                Add("timezone", "The field is required.");
            }

            return default;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add("timezone", "The value must be a string: an IANA time zone id such as Europe/London.");
            return default;
        }

        var id = value.GetString()!.Trim();
        if (!TimeZones.TryGetZone(id, out _))
        {
            Add("timezone", $"'{Shorten(id)}' is not an IANA time zone id (for example America/New_York, Asia/Kolkata, UTC).");
            return default;
        }

        return FieldChange.Set<string>(id);
    }

    private FieldChange<LocalDate?> Date(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            return default;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return FieldChange.Set<LocalDate?>(null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(field, "The value must be a date string YYYY-MM-DD, or null.");
            return default;
        }

        var text = value.GetString()!;
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success || text.Length != 10)
        {
            Add(field, $"'{Shorten(text)}' is not a calendar date in the form YYYY-MM-DD.");
            return default;
        }

        if (parsed.Value < EarliestDate)
        {
            Add(field, "The date is before 1900-01-01.");
            return default;
        }

        return FieldChange.Set<LocalDate?>(parsed.Value);
    }

    private string? Text(JsonElement value, string field, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            Add(field, $"The value must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}.");
            return null;
        }

        var text = value.GetString()!.Trim();
        if (text.Any(char.IsControl))
        {
            Add(field, "The value contains control characters.");
            return null;
        }

        // Postgres counts characters as code points; so do we, so a limit we accept is one the database accepts.
        var length = text.EnumerateRunes().Count();
        if (length > maxLength)
        {
            Add(field, $"The value is {length} characters long; at most {maxLength} are allowed.");
            return null;
        }

        return text;
    }

    private static bool IsEmailAddress(string value)
    {
        if (value.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(value, out var address) || address.Address != value)
        {
            return false;
        }

        var host = address.Host;
        return host.Contains('.', StringComparison.Ordinal) && !host.StartsWith('.') && !host.EndsWith('.');
    }

    private static string Iso(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
