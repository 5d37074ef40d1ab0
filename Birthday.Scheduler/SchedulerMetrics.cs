using System.Diagnostics.Metrics;

namespace Birthday.Scheduler;

/// <summary>What the scheduler did, as OpenTelemetry metrics (meter <c>Birthday.Scheduler</c>).</summary>
public sealed class SchedulerMetrics
{
    public const string MeterName = "Birthday.Scheduler";

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _missed;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _repaired;
    private readonly Histogram<double> _dispatchLateness;
    private long _due;
    private long _queueDepth;

    public SchedulerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _enqueued = meter.CreateCounter<long>("birthday.messages.enqueued", description: "Messages claimed and published to the deliveries queue");
        _missed = meter.CreateCounter<long>("birthday.messages.missed", description: "Messages older than the lateness limit, never sent");
        _recovered = meter.CreateCounter<long>("birthday.messages.lease_recovered", description: "Enqueued or Sending rows whose lease lapsed, put back to Pending");
        _repaired = meter.CreateCounter<long>("birthday.messages.repaired", description: "Missing chain links re-created by the repair pass");
        _dispatchLateness = meter.CreateHistogram<double>("birthday.messages.dispatch_lateness", unit: "s",
            description: "Time from due_at to being published");
        meter.CreateObservableGauge("birthday.messages.due", () => Interlocked.Read(ref _due),
            description: "Pending messages whose time has come (as of the last maintenance pass)");
        meter.CreateObservableGauge("birthday.deliveries.queue_depth", () => Interlocked.Read(ref _queueDepth),
            description: "Messages waiting on the deliveries queue (as of the last maintenance pass)");
    }

    public void Backlog(long due, long queueDepth)
    {
        Interlocked.Exchange(ref _due, due);
        Interlocked.Exchange(ref _queueDepth, queueDepth);
    }

    public void Enqueued(int count) => _enqueued.Add(count);

    public void Missed(int count) => _missed.Add(count);

    public void Recovered(int count) => _recovered.Add(count);

    public void Repaired(int count) => _repaired.Add(count);

    public void DispatchLateness(double seconds) => _dispatchLateness.Record(seconds);
}
