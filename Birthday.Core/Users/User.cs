using NodaTime;

namespace Birthday.Core.Users;

/// <summary>A person who receives messages. Deleting is soft: the row stays so its message history does too.</summary>
public sealed class User
{
    public Guid Id { get; init; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string Email { get; set; }

    /// <summary>lower(email), computed by the database: what "the same email" means for uniqueness.</summary>
    public string EmailKey { get; private set; } = "";

    /// <summary>An IANA (tzdb) zone id, e.g. <c>Australia/Melbourne</c>.</summary>
    public required string TimeZone { get; set; }

    public LocalDate? BirthdayDate { get; set; }

    public LocalDate? AnniversaryDate { get; set; }

    public string? LocationCity { get; set; }

    public string? LocationCountry { get; set; }

    public Instant CreatedAt { get; init; }

    public Instant UpdatedAt { get; set; }

    public Instant? DeletedAt { get; set; }

    public bool IsActive => DeletedAt is null;

    /// <summary>A detached copy of the user as it is now, to compare a change with (which occasions moved).</summary>
    public User Snapshot() => (User)MemberwiseClone();

    /// <summary>The date each occasion kind is the anniversary of (absent when the user has none of that kind).</summary>
    public LocalDate? OccasionDate(string kindCode) => OccasionDates.Of(this, kindCode);
}
