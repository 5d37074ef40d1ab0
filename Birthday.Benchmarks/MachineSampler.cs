using System.Globalization;

namespace Birthday.Benchmarks;

/// <summary>
/// CPU and memory of the whole machine while a benchmark runs: the application (every server, service and replica) is
/// everything that runs here, so the machine's busy time and used memory are the application's, plus the harness.
/// </summary>
public sealed class MachineSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly CpuTicks _start = CpuTicks.Read();
    private long _peakUsedBytes;

    public MachineSampler()
    {
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var used = UsedMemoryBytes();
                if (used > Interlocked.Read(ref _peakUsedBytes))
                {
                    Interlocked.Exchange(ref _peakUsedBytes, used);
                }

                try
                {
                    await Task.Delay(250, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public static long UsedMemoryBytes()
    {
        var info = File.ReadAllLines("/proc/meminfo")
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
        return info["MemTotal"] - info["MemAvailable"];
    }

    /// <summary>Average cores busy since the sampler started (out of <see cref="Environment.ProcessorCount"/>).</summary>
    public double AverageBusyCores() => AverageCoresSinceStart(ticks => ticks.Busy);

    /// <summary>
    /// Average cores the hypervisor gave to someone else while this machine wanted them ("steal", counted in the busy
    /// cores above): time the application waited for a core it could not have. It differs from run to run.
    /// </summary>
    public double AverageStolenCores() => AverageCoresSinceStart(ticks => ticks.Stolen);

    private double AverageCoresSinceStart(Func<CpuTicks, long> part)
    {
        var now = CpuTicks.Read();
        var totalDelta = now.Total - _start.Total;
        return totalDelta == 0 ? 0 : (double)(part(now) - part(_start)) / totalDelta * Environment.ProcessorCount;
    }

    public long PeakUsedBytes => Interlocked.Read(ref _peakUsedBytes);

    private readonly record struct CpuTicks(long Busy, long Stolen, long Total)
    {
        // /proc/stat's first line: user nice system idle iowait irq softirq steal (then guest time, already within user).
        public static CpuTicks Read()
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Take(8).Sum();
            return new CpuTicks(total - idle, fields[7], total);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
