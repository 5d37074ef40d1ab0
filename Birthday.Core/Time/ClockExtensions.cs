using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Text;

namespace Birthday.Core.Time;

public static class ClockExtensions
{
    public const string VirtualStartSetting = "Clock:VirtualStart";
    public const string VirtualStartAnchorSetting = "Clock:VirtualStartAnchor";

    /// <summary>
    /// Registers <see cref="IClock"/>. Without <c>Clock:VirtualStart</c> it is the system clock. With it (an ISO instant),
    /// the application runs in virtual time: <c>Clock:VirtualStartAnchor</c> is the real instant the virtual one stands
    /// for (the AppHost's start), so every service of one run shares one virtual time however late each one started.
    /// Either way the clock services decide with ticks in the database's microseconds (<see cref="MicrosecondClock"/>).
    /// </summary>
    public static TBuilder AddApplicationClock<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var virtualStart = ParseInstant(builder.Configuration[VirtualStartSetting], VirtualStartSetting);
        if (virtualStart is null)
        {
            builder.Services.AddSingleton<IClock>(new MicrosecondClock(SystemClock.Instance));
            return builder;
        }

        var anchor = ParseInstant(builder.Configuration[VirtualStartAnchorSetting], VirtualStartAnchorSetting)
            ?? SystemClock.Instance.GetCurrentInstant();
        var clock = new ApplicationClock(SystemClock.Instance, virtualStart.Value - anchor);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<IClock>(new MicrosecondClock(clock));
        builder.Services.AddScoped<VirtualClockControl>();
        builder.Services.AddHostedService<VirtualClockFollower>();
        return builder;
    }

    private static Instant? ParseInstant(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var result = InstantPattern.ExtendedIso.Parse(value.Trim());
        return result.Success
            ? result.Value
            : throw new InvalidOperationException($"{setting} must be an ISO 8601 UTC instant such as 2027-03-14T08:59:00Z, not '{value}'.");
    }
}
