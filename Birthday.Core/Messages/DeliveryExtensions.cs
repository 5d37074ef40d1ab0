using Birthday.Core.Occasions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Birthday.Core.Messages;

public static class DeliveryExtensions
{
    /// <summary>The occasion rules and delivery options every service that writes messages shares.</summary>
    public static TBuilder AddOccasionRules<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(OccasionCatalog.Default);
        builder.Services.AddSingleton(new OccurrenceCalculator(builder.Configuration.GetValue("Occasions:LeapDayRule", LeapDayRule.February28)));
        builder.Services.AddSingleton<MessagePlanner>();
        builder.Services.AddSingleton<MessageChain>();
        builder.Services.AddOptions<DeliveryOptions>()
            .Bind(builder.Configuration.GetSection(DeliveryOptions.SectionName))
            .ValidateDataAnnotations()
            // The Sending lease is set by a worker's clock and judged by a scheduler's: skew shortens it by as much.
            .Validate(o => o.MaxClockSkew * 2 < o.SendingLease, "Delivery:MaxClockSkew must be less than half of Delivery:SendingLease.")
            .ValidateOnStart();
        return builder;
    }
}
