using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Text.Json;
using Birthday.Core.Occasions;
using NodaTime;
using NodaTime.Text;

namespace Birthday.Api.Users;

/// <summary>
/// Reads a user from a JSON body field by field, so every problem is reported against its field with a reason
/// (wrong type, empty, too long, not a tzdb zone, not a real date…) instead of one opaque "bad request". The rules
/// across fields are the changes' own (<see cref="UserChanges"/>): they need the user as it would be after the change.
/// </summary>
public sealed class UserRequestReader
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 255;
    public const int MaxLocationLength = 100;
    private static readonly LocalDate EarliestDate = new(1900, 1, 1);

    private static readonly string[] FieldNames =
        ["firstName", "lastName", "email", "timezone", "birthdayDate", "anniversaryDate", "locationCity", "locationCountry"];

    private readonly Dictionary<string, List<string>> _errors = [];

    private UserRequestReader()
    {
    }

    /// <summary>The changes a request body asks for, or every field's reasons for refusing it.</summary>
    /// <param name="requireAll">True for create: first name, last name, email and time zone must be present.</param>
    public static bool TryRead(JsonElement body, bool requireAll, [NotNullWhen(true)] out UserChanges? changes,
        [NotNullWhen(false)] out IDictionary<string, string[]>? errors)
    {
        var reader = new UserRequestReader();
        var read = reader.Read(body, requireAll);
        if (reader._errors.Count > 0)
        {
            changes = null;
            errors = reader._errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
            return false;
        }

        changes = read;
        errors = null;
        return true;
    }

    private UserChanges Read(JsonElement body, bool requireAll)
    {
        var fields = Fields(body);
        if (fields is null)
        {
            return new UserChanges(default, default, default, default, default, default, default, default);
        }

        var firstName = RequiredText(fields, "firstName", MaxNameLength, requireAll);
        var lastName = RequiredText(fields, "lastName", MaxNameLength, requireAll);
        var email = Email(fields, requireAll);
        var timeZone = TimeZone(fields, requireAll);
        var birthday = Date(fields, "birthdayDate");
        var anniversary = Date(fields, "anniversaryDate");
        var city = OptionalText(fields, "locationCity", MaxLocationLength);
        var country = OptionalText(fields, "locationCountry", MaxLocationLength);
        return new UserChanges(firstName, lastName, email, timeZone, birthday, anniversary, city, country);
    }

    private void Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(reason);
    }

    /// <summary>
    /// The user's fields from one pass over the body's properties; other properties are ignored. A field given twice is
    /// refused (JSON leaves it to the reader which one counts; we do not guess), and so is a property name that is not
    /// Unicode text, which System.Text.Json would otherwise throw on wherever the name is compared.
    /// </summary>
    private Dictionary<string, JsonElement>? Fields(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            Add("$", "The body must be a JSON object.");
            return null;
        }

        var fields = new Dictionary<string, JsonElement>(FieldNames.Length, StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                Add("$", "A property name is not valid Unicode text: it holds a lone surrogate (such as \\ud800).");
                continue;
            }

            if (Array.IndexOf(FieldNames, name) >= 0 && !fields.TryAdd(name, property.Value))
            {
                Add(name, "The field is given more than once; give it once.");
            }
        }

        return fields;
    }

    private FieldChange<string> RequiredText(Dictionary<string, JsonElement> body, string field, int maxLength, bool required)
    {
        if (!body.TryGetValue(field, out var value))
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

    private FieldChange<string?> OptionalText(Dictionary<string, JsonElement> body, string field, int maxLength)
    {
        if (!body.TryGetValue(field, out var value))
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

    private FieldChange<string> Email(Dictionary<string, JsonElement> body, bool required)
    {
        var email = RequiredText(body, "email", MaxEmailLength, required);
        if (email.IsSet && !IsEmailAddress(email.Value))
        {
            Add("email", "The value is not an email address (expected name@domain.tld).");
            return default;
        }

        return email;
    }

    private FieldChange<string> TimeZone(Dictionary<string, JsonElement> body, bool required)
    {
        if (!body.TryGetValue("timezone", out var value))
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

        var id = ReadString(value, "timezone")?.Trim();
        if (id is null)
        {
            return default;
        }

        if (!TimeZones.TryGetZone(id, out _))
        {
            Add("timezone", $"'{ApiFormats.Shorten(id)}' is not an IANA time zone id (for example America/New_York, Asia/Kolkata, UTC).");
            return default;
        }

        return FieldChange.Set<string>(id);
    }

    private FieldChange<LocalDate?> Date(Dictionary<string, JsonElement> body, string field)
    {
        if (!body.TryGetValue(field, out var value))
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

        var text = ReadString(value, field);
        if (text is null)
        {
            return default;
        }

        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success || text.Length != 10)
        {
            Add(field, $"'{ApiFormats.Shorten(text)}' is not a calendar date in the form YYYY-MM-DD.");
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

        var text = ReadString(value, field)?.Trim();
        if (text is null)
        {
            return null;
        }

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

    /// <summary>
    /// The string's text, or null with the field's error. System.Text.Json decodes escapes only when a string is read, and
    /// a lone surrogate ("\ud800", "\udc00") cannot become .NET text: it throws there, not when the body is parsed.
    /// </summary>
    private string? ReadString(JsonElement value, string field)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            Add(field, "The value is not valid Unicode text: it holds a lone surrogate (such as \\ud800).");
            return null;
        }
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
}
