using NodaTime;

namespace Birthday.Tests.Integration;

/// <summary>Fixed-offset zones that put 09:00 local at a chosen hour, so a test can have a message due when it wants.</summary>
internal static class NineAmZones
{
    /// <summary>A zone whose 09:00 falls at the top of <paramref name="instant"/>'s UTC hour, and the local date it falls on.</summary>
    public static (string Zone, LocalDate LocalDate) At(Instant instant)
    {
        var offsetHours = 9 - instant.InUtc().Hour; // local = UTC + offset; Etc/GMT-N means UTC+N
        if (offsetHours < -12)
        {
            offsetHours += 24; // 09:00 of the next local day
        }

        var zone = offsetHours switch
        {
            0 => "Etc/UTC",
            > 0 => $"Etc/GMT-{offsetHours}",
            _ => $"Etc/GMT+{-offsetHours}",
        };
        return (zone, instant.InZone(DateTimeZoneProviders.Tzdb[zone]).Date);
    }
}
