using Birthday.EmailSimulator.Delivery;
using Birthday.EmailSimulator.Faults;
using Birthday.EmailSimulator.Stats;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Birthday.EmailSimulator;

public static class EmailSimulatorExtensions
{
    /// <summary>
    /// The simulated vendor (a test double, never shipped): its settings from the <c>Simulator</c> section, validated at
    /// start-up so a mistyped rate stops the process instead of silently simulating something else.
    /// </summary>
    public static WebApplicationBuilder AddEmailSimulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The failure modes share the section (Simulator__ErrorRate=0.1 …) but are a type of their own because the
        // admin API replaces them at run time, validated by the same rules.
        builder.Services.AddOptions<FailureModes>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(services =>
            new RandomSource(services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Seed));

        builder.Services.AddSingleton<CurrentFailureModes>();
        builder.Services.AddSingleton<Outage>();
        builder.Services.AddSingleton<ForcedThrottle>();
        builder.Services.AddSingleton<PerSecondRateLimit>();
        builder.Services.AddSingleton<FrontDoor>();
        builder.Services.AddSingleton<IdempotencyLedger>();
        builder.Services.AddSingleton<SentEmailLog>();
        builder.Services.AddSingleton<SimulatorCounters>();
        builder.Services.AddSingleton<SimulatedVendor>();

        builder.Services.AddProblemDetails();
        return builder;
    }
}
