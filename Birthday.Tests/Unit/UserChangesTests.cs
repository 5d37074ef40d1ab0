using Birthday.Api.Users;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Tests.Unit;

/// <summary>The rules across a user's fields, checked on the user as a create or an update would leave it.</summary>
public sealed class UserChangesTests
{
    private static readonly Instant Now = Iso.Instant("2027-02-26T12:00:00Z");

    [Fact]
    public void A_birthday_that_is_today_in_the_users_zone_is_accepted_though_it_is_tomorrow_in_utc()
    {
        // 12:00 UTC is 02:00 the next day in Kiritimati (UTC+14).
        Assert.True(Create("Pacific/Kiritimati", birthday: "2027-02-27").TryCreate(Guid.NewGuid(), Now, out var user, out var errors), Describe(errors));
        Assert.Equal(Iso.Date("2027-02-27"), user.BirthdayDate);
    }

    [Fact]
    public void A_birthday_after_today_in_the_users_zone_is_refused_with_the_zones_date()
    {
        Assert.False(Create("UTC", birthday: "2027-02-27").TryCreate(Guid.NewGuid(), Now, out _, out var errors));

        var reason = Assert.Single(Assert.Contains("birthdayDate", errors));
        Assert.Contains("today is 2027-02-26 in UTC", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_anniversary_in_the_future_and_before_the_birthday_is_refused_for_both_reasons()
    {
        var changes = Create("UTC", birthday: "2027-03-02", anniversary: "2027-03-01");

        Assert.False(changes.TryCreate(Guid.NewGuid(), Now, out _, out var errors));

        Assert.Equal(2, errors["anniversaryDate"].Length);
        Assert.Single(errors["birthdayDate"]);
    }

    [Fact]
    public void An_update_changes_only_what_it_sets_and_clears_what_it_sets_to_null()
    {
        var stored = Stored();
        var changes = Nothing with
        {
            LastName = FieldChange.Set("Byron"),
            LocationCity = FieldChange.Set<string?>(null),
        };

        Assert.True(changes.TryApplyTo(stored, Now, out var errors), Describe(errors));

        Assert.Equal(("Ada", "Byron", "ada@example.com", "Europe/London"), (stored.FirstName, stored.LastName, stored.Email, stored.TimeZone));
        Assert.Equal(Iso.Date("1990-12-10"), stored.BirthdayDate);
        Assert.Null(stored.LocationCity);
        Assert.Equal("UK", stored.LocationCountry);
        Assert.Equal(Now, stored.UpdatedAt);
    }

    [Fact]
    public void An_update_is_judged_with_the_stored_fields_it_does_not_change()
    {
        // The anniversary alone is valid; against the stored birthday it is not.
        var changes = Nothing with { AnniversaryDate = FieldChange.Set<LocalDate?>(Iso.Date("1985-01-01")) };

        Assert.False(changes.TryApplyTo(Stored(), Now, out var errors));

        Assert.Contains("before the birthday", Assert.Single(errors["anniversaryDate"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_keeps_the_user_as_it_was_before_a_change()
    {
        var stored = Stored();
        var before = stored.Snapshot();

        (Nothing with { TimeZone = FieldChange.Set("Asia/Tokyo") }).TryApplyTo(stored, Now, out _);

        Assert.Equal("Europe/London", before.TimeZone);
        Assert.Equal((stored.Id, stored.BirthdayDate, stored.CreatedAt), (before.Id, before.BirthdayDate, before.CreatedAt));
    }

    private static readonly UserChanges Nothing = new(default, default, default, default, default, default, default, default);

    private static UserChanges Create(string zone, string? birthday = null, string? anniversary = null) => new(
        FieldChange.Set("Ada"), FieldChange.Set("Lovelace"), FieldChange.Set("ada@example.com"), FieldChange.Set(zone),
        FieldChange.Set<LocalDate?>(birthday is null ? null : Iso.Date(birthday)),
        FieldChange.Set<LocalDate?>(anniversary is null ? null : Iso.Date(anniversary)),
        default, default);

    private static User Stored() => new()
    {
        Id = Guid.NewGuid(),
        FirstName = "Ada",
        LastName = "Lovelace",
        Email = "ada@example.com",
        TimeZone = "Europe/London",
        BirthdayDate = Iso.Date("1990-12-10"),
        AnniversaryDate = Iso.Date("2015-06-01"),
        LocationCity = "London",
        LocationCountry = "UK",
        CreatedAt = Iso.Instant("2026-01-01T00:00:00Z"),
        UpdatedAt = Iso.Instant("2026-01-01T00:00:00Z"),
    };

    private static string Describe(IDictionary<string, string[]>? errors) =>
        errors is null ? "no errors" : string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
