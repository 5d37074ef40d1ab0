using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Runs a service's hot paths once as soon as it has started, before it reports ready (<see cref="WarmUpHealthCheck"/>).
/// A fresh .NET process compiles each method on its first call and opens its database connections on demand: without
/// this, the first burst after a start (a deployment, a crash) is answered many times slower than the same burst a
/// moment later. A warm-up changes nothing a user could see, and one that fails or runs over its limit still lets the
/// service take work: what ran is warm, the rest warms on first use, and the service's own health checks report any
/// dependency that is away.
/// </summary>
public abstract partial class WarmUpService(IHostApplicationLifetime lifetime, WarmUpState state, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>What this warm-up runs, in words for the log ("every request path", "the delivery statements").</summary>
    protected abstract string What { get; }

    protected abstract Task WarmUpAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken))
        {
            return;
        }

        var elapsed = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        limit.CancelAfter(Limit);
        try
        {
            await WarmUpAsync(limit.Token);
            WarmedUp(logger, What, elapsed.ElapsedMilliseconds);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            WarmUpFailed(logger, ex, What, elapsed.ElapsedMilliseconds);
        }
        finally
        {
            state.Done();
        }
    }

    /// <summary>Waits until the host has started (an api's server listens), or returns false if it stops first.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up: {What} ran once in {ElapsedMs} ms")]
    private static partial void WarmedUp(ILogger logger, string what, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of {What} stopped after {ElapsedMs} ms; the service takes work anyway")]
    private static partial void WarmUpFailed(ILogger logger, Exception exception, string what, long elapsedMs);
}
