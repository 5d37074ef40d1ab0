using NodaTime;
using NodaTime.TimeZones;

namespace Birthday.Core.Occasions;

/// <summary>Pure rules for when a yearly occasion is due in the user's own zone.</summary>
public sealed class OccurrenceCalculator(LeapDayRule leapDayRule = LeapDayRule.February28)
{
    // Why not Resolvers.LenientResolver: it shifts a skipped time forward by the gap's length;
    // the handbook wants the first valid instant, i.e. the moment the gap ends.
    private static readonly ZoneLocalMappingResolver SendTimeResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    public LeapDayRule LeapDayRule { get; } = leapDayRule;

    /// <summary>The first occurrence strictly after <paramref name="now"/>.</summary>
    public Occurrence Next(LocalDate occasionDate, DateTimeZone zone, LocalTime sendTime, Instant now)
    {
        // Why one local year early: around New Year, gaps and far-apart offsets mean the previous
        // local year's occurrence is not provably past; checking one extra year is cheap and safe.
        var year = Math.Max(occasionDate.Year + 1, now.InZone(zone).Year - 1);
        while (true)
        {
            var occurrence = InYear(occasionDate, zone, sendTime, year);
            // Why strictly after: someone created or changed at exactly 09:00 local is "at or after"
            // the send time, so today's message is already missed and the next one is next year's.
            if (occurrence.DueAt > now)
            {
                return occurrence;
            }

            year++;
        }
    }

    /// <summary>The occurrence one year after the one that fell on <paramref name="previousLocalDate"/>.</summary>
    public Occurrence Following(LocalDate occasionDate, DateTimeZone zone, LocalTime sendTime, LocalDate previousLocalDate) =>
        // Why recompute from the occasion date rather than add a year to the previous date:
        // a 29 February birthday moved to 28 February in 2027 must come back to 29 February in 2028.
        InYear(occasionDate, zone, sendTime, previousLocalDate.Year + 1);

    /// <summary>The occurrence in calendar <paramref name="year"/>; no occurrence exists in the occasion's own year.</summary>
    public Occurrence InYear(LocalDate occasionDate, DateTimeZone zone, LocalTime sendTime, int year)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(year, occasionDate.Year);

        var localDate = AnniversaryIn(occasionDate, year);
        var dueAt = zone.ResolveLocal(localDate + sendTime, SendTimeResolver).ToInstant();
        return new Occurrence(localDate, dueAt);
    }

    private LocalDate AnniversaryIn(LocalDate occasionDate, int year)
    {
        var isLeapDayInCommonYear = occasionDate is { Month: 2, Day: 29 } && !CalendarSystem.Iso.IsLeapYear(year);
        if (!isLeapDayInCommonYear)
        {
            return new LocalDate(year, occasionDate.Month, occasionDate.Day);
        }

        return LeapDayRule == LeapDayRule.March1 ? new LocalDate(year, 3, 1) : new LocalDate(year, 2, 28);
    }
}
