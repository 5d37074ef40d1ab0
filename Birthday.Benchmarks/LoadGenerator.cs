using System.Diagnostics;
using System.Net;

namespace Birthday.Benchmarks;

/// <summary>Figures of one load run: throughput and latency percentiles of the requests that completed after the warm-up.</summary>
public sealed record LoadResult(long Requests, long Errors, double RequestsPerSecond, double P50Ms, double P90Ms, double P95Ms, double P99Ms, double MaxMs);

/// <summary>
/// A closed-loop load generator: a fixed number of connections, each sending its next request as soon as the last one
/// answered, for a fixed time, on loopback only. The first seconds warm the connections and the servers and are not counted.
/// </summary>
public static class LoadGenerator
{
    public static Task<LoadResult> RunAsync(
        Uri baseAddress, int connections, TimeSpan duration, TimeSpan warmUp,
        Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>> send) =>
        RunAsync(baseAddress, connections, duration, warmUp, _ => send);

    /// <param name="connection">Makes each connection's sender, for loads where a connection keeps state of its own (the users it created).</param>
    public static async Task<LoadResult> RunAsync(
        Uri baseAddress, int connections, TimeSpan duration, TimeSpan warmUp,
        Func<int, Func<HttpClient, long, CancellationToken, Task<HttpStatusCode>>> connection)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(baseAddress.Host == "localhost" ? "127.0.0.1" : baseAddress.Host)))
        {
            throw new ArgumentException("Load tests target loopback only.", nameof(baseAddress));
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var stop = new CancellationTokenSource(warmUp + duration);
        var measuring = Stopwatch.StartNew();
        var counted = new List<double>[connections];
        long errors = 0;
        long sequence = 0;

        var loops = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var send = connection(c);
            var latencies = counted[c] = new List<double>(100_000);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    status = await send(http, Interlocked.Increment(ref sequence), stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                if (measuring.Elapsed < warmUp)
                {
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)status is < 200 or >= 400)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();
        await Task.WhenAll(loops);

        var all = counted.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return new LoadResult(all.Length, errors, all.Length / duration.TotalSeconds, Percentile(0.50), Percentile(0.90), Percentile(0.95), Percentile(0.99), all.Length == 0 ? double.NaN : all[^1]);
    }
}
