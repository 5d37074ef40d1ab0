using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Birthday.Core.Occasions;

public static class TimeZones
{
    // Why not GetZoneOrNull alone: it also accepts fixed-offset ids such as "UTC+01:00",
    // which are not tzdb ids and must be rejected at the edge.
    private static readonly HashSet<string> TzdbIds = new(DateTimeZoneProviders.Tzdb.Ids, StringComparer.Ordinal);

    public static bool TryGetZone(string? id, [MaybeNullWhen(false)] out DateTimeZone zone)
    {
        zone = id is not null && TzdbIds.Contains(id) ? DateTimeZoneProviders.Tzdb[id] : null;
        return zone is not null;
    }
}
