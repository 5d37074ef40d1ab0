using Birthday.Core.Occasions;
using NodaTime;
using NodaTime.Testing.TimeZones;

namespace Birthday.Tests.Unit;

// Synthetic zones put the transition exactly around 09:00, which no real zone does on a fixed date.
public class SyntheticTransitionTests
{
    private static readonly LocalTime NineAm = new(9, 0);
    private static readonly LocalDate BirthDate = Iso.Date("1990-06-15");
    private readonly OccurrenceCalculator _calculator = new();

    [Fact]
    public void Send_time_inside_a_gap_is_due_when_the_gap_ends()
    {
        // UTC+0 → UTC+1 at 08:30Z: local 08:30–09:30 never happens; the gap ends at 09:30 local = 08:30Z.
        // (A lenient shift-forward would give 10:00 local = 09:00Z instead.)
        var gapZone = new SingleTransitionDateTimeZone(Iso.Instant("2027-06-15T08:30:00Z"), Offset.Zero, Offset.FromHours(1));

        var occurrence = _calculator.InYear(BirthDate, gapZone, NineAm, 2027);

        Assert.Equal(new Occurrence(Iso.Date("2027-06-15"), Iso.Instant("2027-06-15T08:30:00Z")), occurrence);
    }

    [Fact]
    public void Send_time_inside_an_overlap_is_due_at_the_earlier_instant()
    {
        // UTC+1 → UTC+0 at 08:30Z: local 09:30 falls back to 08:30, so 09:00 local happens at 08:00Z and 09:00Z.
        var overlapZone = new SingleTransitionDateTimeZone(Iso.Instant("2027-06-15T08:30:00Z"), Offset.FromHours(1), Offset.Zero);

        var occurrence = _calculator.InYear(BirthDate, overlapZone, NineAm, 2027);

        Assert.Equal(new Occurrence(Iso.Date("2027-06-15"), Iso.Instant("2027-06-15T08:00:00Z")), occurrence);
    }

    [Fact]
    public void Next_before_a_gap_send_time_returns_the_gap_end_instant()
    {
        var gapZone = new SingleTransitionDateTimeZone(Iso.Instant("2027-06-15T08:30:00Z"), Offset.Zero, Offset.FromHours(1));

        var occurrence = _calculator.Next(BirthDate, gapZone, NineAm, Iso.Instant("2027-06-15T08:29:59Z"));

        Assert.Equal(Iso.Instant("2027-06-15T08:30:00Z"), occurrence.DueAt);
    }
}
