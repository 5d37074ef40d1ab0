using System.Diagnostics.Metrics;

namespace Birthday.EmailSimulator.Stats;

/// <summary>
/// Counts what the simulator did, twice: plain numbers for <c>GET /stats</c> (which tests read and reset) and the meter
/// <c>Birthday.EmailSimulator</c> (which dashboards read, and which never goes backwards).
/// </summary>
public sealed class SimulatorCounters
{
    public const string MeterName = "Birthday.EmailSimulator";

    private static readonly int KindCount = Enum.GetValues<FailureKind>().Length;

    private readonly Counter<long> _requestsMeter;
    private readonly Counter<long> _deliveriesMeter;
    private readonly Counter<long> _duplicateRequestsMeter;
    private readonly Counter<long> _duplicateDeliveriesMeter;
    private readonly Counter<long> _failuresMeter;

    private readonly long[] _failures = new long[KindCount];
    private long _requests;
    private long _deliveries;
    private long _duplicateRequests;
    private long _duplicateDeliveries;

    public SimulatorCounters(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requestsMeter = meter.CreateCounter<long>("birthday.email_simulator.requests", "{request}", "Sends received, whatever their answer");
        _deliveriesMeter = meter.CreateCounter<long>("birthday.email_simulator.deliveries", "{email}", "Emails delivered, lost answers included");
        _duplicateRequestsMeter = meter.CreateCounter<long>("birthday.email_simulator.duplicate_requests", "{request}",
            "Sends answered by replaying the earlier delivery of their Idempotency-Key");
        _duplicateDeliveriesMeter = meter.CreateCounter<long>("birthday.email_simulator.duplicate_deliveries", "{email}",
            "Deliveries repeating an earlier one: a recipient got the same email twice");
        _failuresMeter = meter.CreateCounter<long>("birthday.email_simulator.failures", "{request}", "Sends not answered with a plain 200, by kind");
    }

    public void CountRequest()
    {
        Interlocked.Increment(ref _requests);
        _requestsMeter.Add(1);
    }

    public void CountDelivery(bool repeatsEarlierDelivery)
    {
        Interlocked.Increment(ref _deliveries);
        _deliveriesMeter.Add(1);
        if (repeatsEarlierDelivery)
        {
            Interlocked.Increment(ref _duplicateDeliveries);
            _duplicateDeliveriesMeter.Add(1);
        }
    }

    public void CountDuplicateRequest()
    {
        Interlocked.Increment(ref _duplicateRequests);
        _duplicateRequestsMeter.Add(1);
    }

    public void CountFailure(FailureKind kind)
    {
        Interlocked.Increment(ref _failures[(int)kind]);
        _failuresMeter.Add(1, new KeyValuePair<string, object?>("kind", TagOf(kind)));
    }

    public SimulatorStats Snapshot() => new(
        Requests: Interlocked.Read(ref _requests),
        Deliveries: Interlocked.Read(ref _deliveries),
        DuplicateRequests: Interlocked.Read(ref _duplicateRequests),
        DuplicateDeliveries: Interlocked.Read(ref _duplicateDeliveries),
        Errors: Failures(FailureKind.Error),
        Hangs: Failures(FailureKind.Hang),
        LostAnswers: Failures(FailureKind.LostAnswer),
        Throttled: Failures(FailureKind.Throttled),
        OutageRejections: Failures(FailureKind.Outage),
        Invalid: Failures(FailureKind.Invalid),
        InvalidRecipients: Failures(FailureKind.InvalidRecipient));

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _deliveries, 0);
        Interlocked.Exchange(ref _duplicateRequests, 0);
        Interlocked.Exchange(ref _duplicateDeliveries, 0);
        for (var kind = 0; kind < _failures.Length; kind++)
        {
            Interlocked.Exchange(ref _failures[kind], 0);
        }
    }

    private long Failures(FailureKind kind) => Interlocked.Read(ref _failures[(int)kind]);

    private static string TagOf(FailureKind kind) => kind switch
    {
        FailureKind.Error => "error",
        FailureKind.Hang => "hang",
        FailureKind.LostAnswer => "lost_answer",
        FailureKind.Throttled => "throttled",
        FailureKind.Outage => "outage",
        FailureKind.Invalid => "invalid",
        FailureKind.InvalidRecipient => "invalid_recipient",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
