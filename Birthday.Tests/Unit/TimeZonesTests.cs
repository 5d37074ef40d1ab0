using Birthday.Core.Occasions;

namespace Birthday.Tests.Unit;

public class TimeZonesTests
{
    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/GMT+12")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Europe/London")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("EST5EDT")] // legacy, but still a tzdb id
    public void Tzdb_ids_are_accepted(string id)
    {
        Assert.True(TimeZones.TryGetZone(id, out var zone));
        Assert.Equal(id, zone.Id);
    }

    [Theory]
    [InlineData("EST5")]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData(" Europe/London")]
    [InlineData("europe/london")] // tzdb ids are case-sensitive
    [InlineData("utc")]
    [InlineData("UTC+01:00")] // a NodaTime fixed-offset id, not a tzdb id
    [InlineData("+05:45")]
    [InlineData(null)]
    public void Non_tzdb_ids_are_rejected(string? id)
    {
        Assert.False(TimeZones.TryGetZone(id, out var zone));
        Assert.Null(zone);
    }
}
