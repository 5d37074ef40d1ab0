using Birthday.Core.Occasions;
using NodaTime;

namespace Birthday.Tests.Unit;

// Expected instants were worked out by hand from each zone's known UTC offset on that date.
public class RealZoneSendTimeTests
{
    private static readonly LocalTime NineAm = new(9, 0);
    private static readonly Instant StartOf2027 = Iso.Instant("2027-01-01T00:00:00Z");
    private readonly OccurrenceCalculator _calculator = new();

    private Occurrence NextFromStartOf2027(string zoneId, string occasionDate) =>
        _calculator.Next(Iso.Date(occasionDate), Iso.Zone(zoneId), NineAm, StartOf2027);

    [Theory]
    [InlineData("America/New_York", "1990-01-15", "2027-01-15", "2027-01-15T14:00:00Z")] // EST, UTC-5
    [InlineData("America/New_York", "1990-07-15", "2027-07-15", "2027-07-15T13:00:00Z")] // EDT, UTC-4
    [InlineData("America/New_York", "1990-03-14", "2027-03-14", "2027-03-14T13:00:00Z")] // US DST starts 02:00, 09:00 is EDT
    [InlineData("America/New_York", "1990-11-07", "2027-11-07", "2027-11-07T14:00:00Z")] // US DST ends 02:00, 09:00 is EST
    [InlineData("Europe/Berlin", "1990-03-28", "2027-03-28", "2027-03-28T07:00:00Z")] // EU DST starts 01:00Z, CEST +2
    [InlineData("Europe/Berlin", "1990-10-31", "2027-10-31", "2027-10-31T08:00:00Z")] // EU DST ends 01:00Z, CET +1
    [InlineData("Europe/London", "1990-03-28", "2027-03-28", "2027-03-28T08:00:00Z")] // BST +1
    [InlineData("Europe/London", "1990-10-31", "2027-10-31", "2027-10-31T09:00:00Z")] // GMT +0
    [InlineData("Australia/Sydney", "1990-10-03", "2027-10-03", "2027-10-02T22:00:00Z")] // DST starts 02:00, 09:00 is AEDT +11
    [InlineData("Asia/Kathmandu", "1990-05-10", "2027-05-10", "2027-05-10T03:15:00Z")] // +5:45
    [InlineData("Pacific/Chatham", "1990-06-15", "2027-06-15", "2027-06-14T20:15:00Z")] // winter +12:45
    [InlineData("Pacific/Chatham", "1990-01-15", "2027-01-15", "2027-01-14T19:15:00Z")] // summer +13:45
    [InlineData("Australia/Lord_Howe", "1990-06-15", "2027-06-15", "2027-06-14T22:30:00Z")] // winter +10:30
    [InlineData("Australia/Lord_Howe", "1990-01-15", "2027-01-15", "2027-01-14T22:00:00Z")] // half-hour DST +11
    [InlineData("Etc/GMT+12", "1990-06-15", "2027-06-15", "2027-06-15T21:00:00Z")] // POSIX sign: UTC-12
    [InlineData("Pacific/Apia", "1990-06-15", "2027-06-15", "2027-06-14T20:00:00Z")] // +13, no DST since 2021
    [InlineData("Pacific/Apia", "1990-01-15", "2027-01-15", "2027-01-14T20:00:00Z")]
    public void User_is_due_at_0900_local_on_the_local_date(string zoneId, string occasionDate, string expectedLocalDate, string expectedDueAt)
    {
        var occurrence = NextFromStartOf2027(zoneId, occasionDate);

        Assert.Equal(new Occurrence(Iso.Date(expectedLocalDate), Iso.Instant(expectedDueAt)), occurrence);
    }

    [Fact]
    public void Melbourne_user_is_due_at_0900_local()
    {
        var occurrence = NextFromStartOf2027("Australia/Melbourne", "1985-06-15");

        Assert.Equal(Iso.Instant("2027-06-14T23:00:00Z"), occurrence.DueAt); // AEST +10
    }

    [Fact]
    public void Kiritimati_new_year_birthday_is_due_on_31_December_UTC_of_the_previous_year()
    {
        var justBefore = Iso.Instant("2027-12-31T18:59:59Z");

        var occurrence = _calculator.Next(Iso.Date("1990-01-01"), Iso.Zone("Pacific/Kiritimati"), NineAm, justBefore);

        Assert.Equal(new Occurrence(Iso.Date("2028-01-01"), Iso.Instant("2027-12-31T19:00:00Z")), occurrence); // +14
    }

    [Fact]
    public void Kiritimati_new_year_birthday_at_its_send_instant_moves_to_the_next_local_year()
    {
        var atSendInstant = Iso.Instant("2027-12-31T19:00:00Z");

        var occurrence = _calculator.Next(Iso.Date("1990-01-01"), Iso.Zone("Pacific/Kiritimati"), NineAm, atSendInstant);

        Assert.Equal(new Occurrence(Iso.Date("2029-01-01"), Iso.Instant("2028-12-31T19:00:00Z")), occurrence);
    }

    [Fact]
    public void Apia_birthday_on_the_skipped_30_December_2011_is_due_when_31_December_begins()
    {
        // Samoa jumped from the end of 29 Dec 2011 (UTC-10) straight to 31 Dec 00:00 (UTC+14).
        var occurrence = _calculator.InYear(Iso.Date("1990-12-30"), Iso.Zone("Pacific/Apia"), NineAm, 2011);

        Assert.Equal(new Occurrence(Iso.Date("2011-12-30"), Iso.Instant("2011-12-30T10:00:00Z")), occurrence);
    }

    [Fact]
    public void Send_time_of_the_kind_is_used_instead_of_0900()
    {
        var occurrence = _calculator.Next(Iso.Date("1990-01-15"), Iso.Zone("America/New_York"), new LocalTime(10, 30), StartOf2027);

        Assert.Equal(Iso.Instant("2027-01-15T15:30:00Z"), occurrence.DueAt);
    }
}
