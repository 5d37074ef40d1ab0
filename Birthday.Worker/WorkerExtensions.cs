using Birthday.Worker.Consuming;
using Birthday.Worker.Sending;
using Birthday.Worker.WarmUp;

namespace Birthday.Worker;

public static class WorkerExtensions
{
    /// <summary>The queue consumer and the sender it hands each delivery to, warmed up before the worker reports ready.</summary>
    public static WebApplicationBuilder AddMessageDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>()
            .Bind(builder.Configuration.GetSection(WorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddScoped<MessageSender>();
        builder.Services.AddHostedService<DeliveryConsumer>();
        builder.AddWarmUp<DeliveryPathWarmUp>();
        return builder;
    }
}
