using System.Diagnostics.CodeAnalysis;
using Birthday.Core.Occasions;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Api.Users;

/// <summary>
/// What a create or update request asks to set, each field already parsed and checked on its own
/// (<see cref="UserRequestReader"/>). The rules across fields are checked here, on the user as it would be after the
/// change: for an update that is the stored user, which only the store's transaction has (locked), so the store applies
/// the changes through these methods and reports a refusal as its outcome.
/// </summary>
public sealed record UserChanges(
    FieldChange<string> FirstName,
    FieldChange<string> LastName,
    FieldChange<string> Email,
    FieldChange<string> TimeZone,
    FieldChange<LocalDate?> BirthdayDate,
    FieldChange<LocalDate?> AnniversaryDate,
    FieldChange<string?> LocationCity,
    FieldChange<string?> LocationCountry)
{
    /// <summary>The new user a create asks for (the reader saw to it that every required field is set).</summary>
    public bool TryCreate(Guid id, Instant now, out User user, [NotNullWhen(false)] out IDictionary<string, string[]>? errors)
    {
        user = new User
        {
            Id = id,
            FirstName = FirstName.Value,
            LastName = LastName.Value,
            Email = Email.Value,
            TimeZone = TimeZone.Value,
            BirthdayDate = BirthdayDate.Value,
            AnniversaryDate = AnniversaryDate.Value,
            LocationCity = LocationCity.Value,
            LocationCountry = LocationCountry.Value,
            CreatedAt = now,
            UpdatedAt = now,
        };
        errors = BrokenRules(user, now);
        return errors is null;
    }

    /// <summary>Sets on a stored user what the update asks to set; false (with the reasons) if the result breaks a rule.</summary>
    public bool TryApplyTo(User user, Instant now, [NotNullWhen(false)] out IDictionary<string, string[]>? errors)
    {
        ArgumentNullException.ThrowIfNull(user);
        user.FirstName = FirstName.Or(user.FirstName);
        user.LastName = LastName.Or(user.LastName);
        user.Email = Email.Or(user.Email);
        user.TimeZone = TimeZone.Or(user.TimeZone);
        user.BirthdayDate = BirthdayDate.Or(user.BirthdayDate);
        user.AnniversaryDate = AnniversaryDate.Or(user.AnniversaryDate);
        user.LocationCity = LocationCity.Or(user.LocationCity);
        user.LocationCountry = LocationCountry.Or(user.LocationCountry);
        user.UpdatedAt = now;
        errors = BrokenRules(user, now);
        return errors is null;
    }

    /// <summary>The dates' rules: none in the future in the user's own zone, and no work anniversary before the birthday.</summary>
    private static Dictionary<string, string[]>? BrokenRules(User user, Instant now)
    {
        var today = TimeZones.TryGetZone(user.TimeZone, out var zone) ? now.InZone(zone).Date : now.InUtc().Date;
        Dictionary<string, string[]>? errors = null;
        if (user.BirthdayDate > today)
        {
            Add(ref errors, "birthdayDate", $"The date is in the future (today is {ApiFormats.Date(today)} in {user.TimeZone}).");
        }

        if (user.AnniversaryDate > today)
        {
            Add(ref errors, "anniversaryDate", $"The date is in the future (today is {ApiFormats.Date(today)} in {user.TimeZone}).");
        }

        if (user.BirthdayDate is not null && user.AnniversaryDate is not null && user.AnniversaryDate < user.BirthdayDate)
        {
            Add(ref errors, "anniversaryDate", "A work anniversary cannot be before the birthday.");
        }

        return errors;
    }

    private static void Add(ref Dictionary<string, string[]>? errors, string field, string reason)
    {
        errors ??= [];
        errors[field] = errors.TryGetValue(field, out var earlier) ? [.. earlier, reason] : [reason];
    }
}
