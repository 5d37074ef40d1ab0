using System.Diagnostics.Metrics;
using Birthday.Core.Messages;
using Birthday.Worker.Sending;
using NodaTime;

namespace Birthday.Worker;

/// <summary>Delivery outcomes as OpenTelemetry metrics (meter <c>Birthday.Worker</c>).</summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "Birthday.Worker";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _lateness;

    public WorkerMetrics(IMeterFactory meterFactory, CircuitState circuit)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _sent = meter.CreateCounter<long>("birthday.messages.sent", description: "Messages the email service accepted");
        _failed = meter.CreateCounter<long>("birthday.messages.failed", description: "Messages failed for good, by reason");
        _retried = meter.CreateCounter<long>("birthday.messages.retried", description: "Sends that will be retried later");
        _skipped = meter.CreateCounter<long>("birthday.messages.skipped", description: "Rows named on the queue that were already taken, sent or cancelled");
        _deadLettered = meter.CreateCounter<long>("birthday.messages.dead_lettered", description: "Malformed queue messages sent to the dead-letter queue");
        _lateness = meter.CreateHistogram<double>("birthday.messages.lateness", unit: "s", description: "Time from due_at to the vendor's answer for a sent message");
        meter.CreateObservableGauge("birthday.email.circuit_state", () => circuit.Value, description: "0 closed, 1 half-open, 2 open");
    }

    public void Skipped(int count)
    {
        if (count > 0)
        {
            _skipped.Add(count);
        }
    }

    public void DeadLettered() => _deadLettered.Add(1);

    public void Recorded(MessageStatus status, SendOutcome outcome, Duration lateness)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        switch (status)
        {
            case MessageStatus.Sent:
                _sent.Add(1);
                _lateness.Record(lateness.TotalSeconds);
                break;
            case MessageStatus.Failed:
                _failed.Add(1, new KeyValuePair<string, object?>("reason", outcome.Kind == SendOutcomeKind.Permanent ? "permanent" : "budget_spent"));
                break;
            case MessageStatus.Cancelled:
                _failed.Add(1, new KeyValuePair<string, object?>("reason", "user_deleted"));
                break;
            default:
                _retried.Add(1);
                break;
        }
    }
}
