using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Birthday.Api.Users;

/// <summary>How the API writes values: dates as YYYY-MM-DD, instants as ISO 8601 UTC, echoed input cut short.</summary>
public static class ApiFormats
{
    private const int MaxEchoLength = 64;

    public static string? Date(LocalDate? date) => date?.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static string Instant(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static string? Instant(Instant? instant) => instant is { } value ? Instant(value) : null;

    /// <summary>
    /// Echoed input cut to a readable length, never inside a surrogate pair: half a pair cannot be written as JSON, and the
    /// problem answer itself would then fail.
    /// </summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxEchoLength)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[MaxEchoLength - 1]) ? MaxEchoLength - 1 : MaxEchoLength;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
