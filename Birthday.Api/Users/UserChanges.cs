using NodaTime;

namespace Birthday.Api.Users;

/// <summary>What a create or update request asks to set, each field already parsed and checked on its own.</summary>
public sealed record UserChanges(
    FieldChange<string> FirstName,
    FieldChange<string> LastName,
    FieldChange<string> Email,
    FieldChange<string> TimeZone,
    FieldChange<LocalDate?> BirthdayDate,
    FieldChange<LocalDate?> AnniversaryDate,
    FieldChange<string?> LocationCity,
    FieldChange<string?> LocationCountry);
