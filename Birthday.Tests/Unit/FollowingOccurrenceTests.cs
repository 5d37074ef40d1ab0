using Birthday.Core.Occasions;
using NodaTime;

namespace Birthday.Tests.Unit;

public class FollowingOccurrenceTests
{
    private static readonly LocalTime NineAm = new(9, 0);
    private static readonly LocalDate LeapDayBirth = Iso.Date("2000-02-29");

    [Theory]
    [InlineData(LeapDayRule.February28, "2027-02-28", "2028-02-29", "2028-02-28T20:00:00Z")] // Auckland, NZDT +13
    [InlineData(LeapDayRule.February28, "2028-02-29", "2029-02-28", "2029-02-27T20:00:00Z")]
    [InlineData(LeapDayRule.March1, "2027-03-01", "2028-02-29", "2028-02-28T20:00:00Z")]
    [InlineData(LeapDayRule.March1, "2028-02-29", "2029-03-01", "2029-02-28T20:00:00Z")]
    public void Leap_day_following_occurrence_returns_to_29_February_in_leap_years(
        LeapDayRule rule, string previousLocalDate, string expectedLocalDate, string expectedDueAt)
    {
        var calculator = new OccurrenceCalculator(rule);

        var following = calculator.Following(LeapDayBirth, Iso.Zone("Pacific/Auckland"), NineAm, Iso.Date(previousLocalDate));

        Assert.Equal(new Occurrence(Iso.Date(expectedLocalDate), Iso.Instant(expectedDueAt)), following);
    }

    [Fact]
    public void Following_occurrence_picks_up_the_next_year_offset()
    {
        // 2027-07-04 is EDT (-4); the following one is recomputed in 2028, also EDT.
        var following = new OccurrenceCalculator().Following(
            Iso.Date("1990-07-04"), Iso.Zone("America/New_York"), NineAm, Iso.Date("2027-07-04"));

        Assert.Equal(new Occurrence(Iso.Date("2028-07-04"), Iso.Instant("2028-07-04T13:00:00Z")), following);
    }
}
