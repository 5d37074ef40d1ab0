using Birthday.Core.Occasions;
using NodaTime;
using NodaTime.Testing;

namespace Birthday.Tests.Unit;

public class NextOccurrenceTests
{
    private static readonly LocalTime NineAm = new(9, 0);
    private static readonly LocalDate BirthDate = Iso.Date("1985-06-15");
    private static readonly DateTimeZone Melbourne = Iso.Zone("Australia/Melbourne");
    private readonly OccurrenceCalculator _calculator = new();

    // 2027-06-15 09:00 in Melbourne (AEST, +10) is 2027-06-14T23:00Z.
    [Theory]
    [InlineData("2027-06-14T22:59:59Z", "2027-06-15", "2027-06-14T23:00:00Z")]
    [InlineData("2027-06-14T14:00:00Z", "2027-06-15", "2027-06-14T23:00:00Z")] // local midnight of the day
    [InlineData("2027-06-14T23:00:00Z", "2028-06-15", "2028-06-14T23:00:00Z")]
    [InlineData("2027-06-14T23:00:01Z", "2028-06-15", "2028-06-14T23:00:00Z")]
    public void User_changed_before_0900_local_gets_today_and_at_or_after_gets_next_year(
        string now, string expectedLocalDate, string expectedDueAt)
    {
        var occurrence = _calculator.Next(BirthDate, Melbourne, NineAm, Iso.Instant(now));

        Assert.Equal(new Occurrence(Iso.Date(expectedLocalDate), Iso.Instant(expectedDueAt)), occurrence);
    }

    [Fact]
    public void Next_reads_now_from_an_injected_clock_rather_than_the_machine()
    {
        var clock = new FakeClock(Iso.Instant("2027-06-14T22:59:00Z"));

        var occurrence = _calculator.Next(BirthDate, Melbourne, NineAm, clock.GetCurrentInstant());

        Assert.Equal(Iso.Date("2027-06-15"), occurrence.LocalDate);
    }

    [Fact]
    public void No_occurrence_falls_on_the_occasion_day_itself()
    {
        var hireDate = Iso.Date("2027-06-15");
        var morningOfHireDay = Iso.Instant("2027-06-14T20:00:00Z"); // 06:00 local, before the send time

        var occurrence = _calculator.Next(hireDate, Melbourne, NineAm, morningOfHireDay);

        Assert.Equal(Iso.Date("2028-06-15"), occurrence.LocalDate);
    }

    [Fact]
    public void Occasion_date_in_the_future_starts_the_year_after_it()
    {
        var occurrence = _calculator.Next(Iso.Date("2030-03-01"), DateTimeZone.Utc, NineAm, Iso.Instant("2027-01-01T00:00:00Z"));

        Assert.Equal(new Occurrence(Iso.Date("2031-03-01"), Iso.Instant("2031-03-01T09:00:00Z")), occurrence);
    }

    [Fact]
    public void Local_date_decides_the_day_even_when_the_UTC_date_differs()
    {
        // 2027-06-14T20:00Z is already 15 June 06:00 in Melbourne, so today's 09:00 is still ahead.
        var occurrence = _calculator.Next(BirthDate, Melbourne, NineAm, Iso.Instant("2027-06-14T20:00:00Z"));

        Assert.Equal(Iso.Date("2027-06-15"), occurrence.LocalDate);
    }

    [Fact]
    public void Occurrence_in_the_occasion_year_itself_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _calculator.InYear(BirthDate, Melbourne, NineAm, 1985));
    }
}
