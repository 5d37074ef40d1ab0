using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Text;

namespace Birthday.Core.Time;

public static class ClockExtensions
{
    public const string VirtualStartSetting = "Clock:VirtualStart";
    public const string VirtualStartRealAnchorSetting = "Clock:VirtualStartAnchor";

    /// <summary>
    /// Registers <see cref="IClock"/>. <c>Clock:VirtualStart</c> (an ISO instant) shifts it; <c>Clock:VirtualStartAnchor</c>
    /// is the real instant the virtual one corresponds to, so every service of one run shares the same virtual time
    /// however late each one started.
    /// </summary>
    public static TBuilder AddApplicationClock<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var virtualStart = ParseInstant(builder.Configuration[VirtualStartSetting], VirtualStartSetting);
        var anchor = ParseInstant(builder.Configuration[VirtualStartRealAnchorSetting], VirtualStartRealAnchorSetting);
        builder.Services.AddSingleton<IClock>(new ApplicationClock(SystemClock.Instance, virtualStart, anchor));
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
