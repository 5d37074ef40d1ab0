using Birthday.Worker.Sending;

namespace Birthday.Worker.WarmUp;

/// <summary>
/// Runs the delivery statements once on rows that do not exist, from several connections at once, before the worker
/// reports ready: a fresh worker's first deliveries would otherwise wait for their code to compile and for their
/// connections to open (the steady benchmark's first rows after a start: 0.57–0.87 s late without this, 0.32–0.37 s with
/// it; docs/benchmarks.md). The send itself is not warmed: a request to the email service is a real email.
/// </summary>
public sealed class DeliveryPathWarmUp(
    IHostApplicationLifetime lifetime,
    IServiceScopeFactory scopes,
    WarmUpState state,
    ILogger<DeliveryPathWarmUp> logger) : WarmUpService(lifetime, state, logger)
{
    /// <summary>Connections opened at once, so the first queue messages, handled concurrently, find them in the pool.</summary>
    private const int Connections = 8;

    protected override string What => "the delivery statements";

    protected override Task WarmUpAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MessageSender>().WarmUpAsync(cancellationToken);
        }));
}
