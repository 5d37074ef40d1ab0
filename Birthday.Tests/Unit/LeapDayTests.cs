using Birthday.Core.Occasions;
using NodaTime;

namespace Birthday.Tests.Unit;

public class LeapDayTests
{
    private static readonly LocalTime NineAm = new(9, 0);
    private static readonly LocalDate LeapDayBirth = Iso.Date("2000-02-29");

    [Fact]
    public void Leap_day_falls_on_28_February_in_a_common_year_by_default()
    {
        var occurrence = new OccurrenceCalculator().InYear(LeapDayBirth, DateTimeZone.Utc, NineAm, 2027);

        Assert.Equal(new Occurrence(Iso.Date("2027-02-28"), Iso.Instant("2027-02-28T09:00:00Z")), occurrence);
    }

    [Fact]
    public void Leap_day_falls_on_1_March_in_a_common_year_when_configured()
    {
        var occurrence = new OccurrenceCalculator(LeapDayRule.March1).InYear(LeapDayBirth, DateTimeZone.Utc, NineAm, 2027);

        Assert.Equal(new Occurrence(Iso.Date("2027-03-01"), Iso.Instant("2027-03-01T09:00:00Z")), occurrence);
    }

    [Theory]
    [InlineData(LeapDayRule.February28)]
    [InlineData(LeapDayRule.March1)]
    public void Leap_day_stays_on_29_February_in_a_leap_year(LeapDayRule rule)
    {
        var occurrence = new OccurrenceCalculator(rule).InYear(LeapDayBirth, DateTimeZone.Utc, NineAm, 2028);

        Assert.Equal(new Occurrence(Iso.Date("2028-02-29"), Iso.Instant("2028-02-29T09:00:00Z")), occurrence);
    }

    [Fact]
    public void Leap_day_Next_after_the_2027_send_time_is_29_February_2028()
    {
        var afterSend = Iso.Instant("2027-02-28T09:00:00Z");

        var occurrence = new OccurrenceCalculator().Next(LeapDayBirth, DateTimeZone.Utc, NineAm, afterSend);

        Assert.Equal(Iso.Date("2028-02-29"), occurrence.LocalDate);
    }

    [Fact]
    public void Century_year_2100_is_not_a_leap_year()
    {
        var occurrence = new OccurrenceCalculator().InYear(LeapDayBirth, DateTimeZone.Utc, NineAm, 2100);

        Assert.Equal(Iso.Date("2100-02-28"), occurrence.LocalDate);
    }
}
