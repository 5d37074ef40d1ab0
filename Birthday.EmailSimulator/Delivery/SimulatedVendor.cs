using Birthday.EmailSimulator.Contract;
using Birthday.EmailSimulator.Faults;
using Birthday.EmailSimulator.Stats;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// What the simulated vendor does with a well-formed send: the front door may refuse it; a permanently refusing
/// recipient gets 400; a key delivered before is answered with its first answer; otherwise, after the configured
/// latency, one roll of the dice decides between hanging, failing, delivering with a lost answer and delivering.
/// </summary>
public sealed class SimulatedVendor(
    FrontDoor frontDoor,
    CurrentFailureModes failureModes,
    IdempotencyLedger ledger,
    SentEmailLog log,
    SimulatorCounters counters,
    RandomSource random,
    TimeProvider time,
    IOptions<SimulatorOptions> options)
{
    private const double TailShare = 0.01;

    private readonly TimeSpan _hangCap = TimeSpan.FromSeconds(options.Value.MaxHangSeconds);

    public async Task<Results<Ok<SendEmailResponse>, VendorErrorResult, EmptyHttpResult>> SendAsync(
        string email, string message, string? idempotencyKey, string? traceParent, CancellationToken aborted)
    {
        // One snapshot for the whole send, so settings replaced meanwhile never mix with the old ones.
        var modes = failureModes.Value;
        if (frontDoor.Refuse(modes) is { } refusal)
        {
            return refusal;
        }

        if (modes.PermanentErrorEmailSuffix is { Length: > 0 } suffix && email.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            counters.CountFailure(FailureKind.InvalidRecipient);
            return VendorErrorResult.InvalidRecipient(email);
        }

        try
        {
            using var claim = idempotencyKey is null ? null : await ledger.ClaimAsync(idempotencyKey, aborted);
            if (claim?.EarlierDelivery is { } earlier)
            {
                counters.CountDuplicateRequest();
                return TypedResults.Ok(SendEmailResponse.Delivered(earlier.MessageId));
            }

            await WaitLatencyAsync(modes, aborted);

            // One roll split into bands, so each rate is exactly the share of sends it names.
            var roll = random.NextDouble();
            if (roll < modes.HangRate)
            {
                counters.CountFailure(FailureKind.Hang);
                await Task.Delay(_hangCap, time, aborted);
                return VendorErrorResult.GatewayTimeout();
            }

            if (roll < modes.HangRate + modes.ErrorRate)
            {
                counters.CountFailure(FailureKind.Error);
                return RandomServerError();
            }

            var sent = Deliver(email, message, idempotencyKey, traceParent);
            claim?.Delivered(sent);
            if (roll < modes.HangRate + modes.ErrorRate + modes.LostAnswerRate)
            {
                counters.CountFailure(FailureKind.LostAnswer);
                return VendorErrorResult.InternalError();
            }

            return TypedResults.Ok(SendEmailResponse.Delivered(sent.MessageId));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up (during a hang, the latency, or a wait behind the same key): nobody reads an answer.
            return TypedResults.Empty;
        }
    }

    private SentEmail Deliver(string email, string message, string? idempotencyKey, string? traceParent)
    {
        var now = time.GetUtcNow();
        var sent = new SentEmail(Guid.CreateVersion7(now).ToString("N"), email, message, idempotencyKey, now.UtcDateTime, traceParent);
        counters.CountDelivery(repeatsEarlierDelivery: log.Add(sent));
        return sent;
    }

    private Task WaitLatencyAsync(FailureModes modes, CancellationToken aborted)
    {
        double milliseconds;
        if (modes.LatencyP99Ms > 0 && random.NextDouble() < TailShare)
        {
            milliseconds = modes.LatencyP99Ms;
        }
        else if (modes.LatencyMaxMs > 0)
        {
            milliseconds = modes.LatencyMinMs + (random.NextDouble() * (modes.LatencyMaxMs - modes.LatencyMinMs));
        }
        else
        {
            return Task.CompletedTask;
        }

        return Task.Delay(TimeSpan.FromMilliseconds(milliseconds), time, aborted);
    }

    private VendorErrorResult RandomServerError() => (int)(random.NextDouble() * 3) switch
    {
        0 => VendorErrorResult.InternalError(),
        1 => VendorErrorResult.BadGateway(),
        _ => VendorErrorResult.ServiceUnavailable(retryAfterSeconds: 1),
    };
}
