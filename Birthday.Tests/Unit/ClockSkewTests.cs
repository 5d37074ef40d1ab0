using Birthday.Core.Messages;
using Birthday.Core.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace Birthday.Tests.Unit;

public class ClockSkewTests
{
    private static readonly Instant Now = Instant.FromUtc(2027, 3, 14, 8, 59);

    [Fact]
    public void A_skewed_service_reads_the_shared_virtual_time_plus_its_skew_either_way()
    {
        var clock = new ApplicationClock(new FakeClock(Now), Duration.FromHours(1));

        clock.Skew = Duration.FromMilliseconds(-500);
        Assert.Equal(Now + Duration.FromHours(1) - Duration.FromMilliseconds(500), clock.GetCurrentInstant());

        clock.Skew = Duration.FromSeconds(5);
        Assert.Equal(Now + Duration.FromHours(1) + Duration.FromSeconds(5), clock.GetCurrentInstant());
    }

    [Fact]
    public void Moving_the_shared_time_keeps_a_services_skew_and_never_goes_back()
    {
        var clock = new ApplicationClock(new FakeClock(Now), Duration.Zero) { Skew = Duration.FromSeconds(-5) };

        clock.AdvanceTo(Duration.FromDays(1));
        clock.AdvanceTo(Duration.FromHours(1)); // a stale read of the shared offset

        Assert.Equal(Now + Duration.FromDays(1) - Duration.FromSeconds(5), clock.GetCurrentInstant());
    }

    [Theory]
    [InlineData("00:00:10", "00:02:00", true)]
    [InlineData("00:00:00", "00:00:10", true)]
    [InlineData("00:01:00", "00:02:00", false)] // skew would eat half the Sending lease
    [InlineData("00:06:00", "00:30:00", false)] // beyond any clock that is merely a little off
    public void The_allowed_clock_skew_must_stay_well_under_the_sending_lease(string maxClockSkew, string sendingLease, bool valid)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:MaxClockSkew"] = maxClockSkew,
            ["Delivery:SendingLease"] = sendingLease,
        });
        builder.AddOccasionRules();
        using var services = builder.Services.BuildServiceProvider();

        var read = () => services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        if (valid)
        {
            Assert.Equal(TimeSpan.Parse(maxClockSkew, System.Globalization.CultureInfo.InvariantCulture), read().MaxClockSkew);
        }
        else
        {
            Assert.Throws<OptionsValidationException>(read);
        }
    }
}
