using Birthday.Core.Users;

namespace Birthday.Api.Users;

/// <summary>A user as the API shows it: dates as YYYY-MM-DD, instants as ISO 8601 UTC.</summary>
public sealed record UserResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    string Timezone,
    string? BirthdayDate,
    string? AnniversaryDate,
    string? LocationCity,
    string? LocationCountry,
    string CreatedAt,
    string UpdatedAt)
{
    public static UserResponse From(User user) => new(
        user.Id,
        user.FirstName,
        user.LastName,
        user.Email,
        user.TimeZone,
        ApiFormats.Date(user.BirthdayDate),
        ApiFormats.Date(user.AnniversaryDate),
        user.LocationCity,
        user.LocationCountry,
        ApiFormats.Instant(user.CreatedAt),
        ApiFormats.Instant(user.UpdatedAt));
}
