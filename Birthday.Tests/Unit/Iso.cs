using NodaTime;
using NodaTime.Text;

namespace Birthday.Tests.Unit;

/// <summary>Literal ISO strings keep expected values readable and independent of the code under test.</summary>
internal static class Iso
{
    public static Instant Instant(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    public static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).Value;

    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];
}
