using Birthday.Scheduler.Dispatching;
using Birthday.Scheduler.Maintenance;

namespace Birthday.Scheduler;

public static class SchedulerExtensions
{
    /// <summary>
    /// The dispatch loop (due rows → queue), what wakes it (<see cref="DueSoonListener"/>, the clock in virtual time), and
    /// the maintenance loop (leases, missed rows, chain repair).
    /// </summary>
    public static WebApplicationBuilder AddMessageScheduling(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SchedulerOptions>()
            .Bind(builder.Configuration.GetSection(SchedulerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SchedulerMetrics>();
        builder.Services.AddSingleton<DispatchWakeUp>();
        builder.Services.AddScoped<DueMessageDispatcher>();
        builder.Services.AddScoped<MessageMaintenance>();
        builder.Services.AddHostedService<DispatchLoop>();
        builder.Services.AddHostedService<DueSoonListener>();
        builder.Services.AddHostedService<MaintenanceLoop>();
        return builder;
    }
}
