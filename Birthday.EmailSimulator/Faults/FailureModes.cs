using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Birthday.EmailSimulator.Faults;

/// <summary>
/// How badly the simulated vendor behaves. Read from the <c>Simulator</c> section at start-up and replaced whole by
/// <c>PUT /admin/failure-modes</c>; both go through the same validation. The three rates are shares of the sends that
/// reach the mail system: front-door refusals (outage, 429) and idempotent replays never roll the dice.
/// </summary>
// A misspelt property in a PUT must be refused, not silently reset to its default.
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FailureModes : IValidatableObject
{
    private const int MaxLatencyMs = 600_000;

    /// <summary>Fraction of sends answered with a random 500, 502 or 503 (503 with Retry-After: 1), nothing delivered.</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; init; } = 0.10;

    /// <summary>Fraction of sends never answered (held until the client gives up), nothing delivered.</summary>
    [Range(0.0, 1.0)]
    public double HangRate { get; init; }

    /// <summary>Fraction of sends delivered and then answered 500: the vendor did its job but the answer was lost.</summary>
    [Range(0.0, 1.0)]
    public double LostAnswerRate { get; init; }

    /// <summary>Shortest delay before answering; each send waits a uniform delay from min to max.</summary>
    [Range(0, MaxLatencyMs)]
    public int LatencyMinMs { get; init; }

    /// <summary>Longest delay before answering (the uniform part); 0 with <see cref="LatencyMinMs"/> 0 answers at once.</summary>
    [Range(0, MaxLatencyMs)]
    public int LatencyMaxMs { get; init; }

    /// <summary>A slow tail: when above 0, one send in a hundred waits this long instead. At least <see cref="LatencyMaxMs"/>.</summary>
    [Range(0, MaxLatencyMs)]
    public int LatencyP99Ms { get; init; }

    /// <summary>Sends accepted per one-second window; past it they get 429 until the next second. 0 = unlimited.</summary>
    [Range(0, int.MaxValue)]
    public int RateLimitPerSecond { get; init; }

    /// <summary>Recipients ending with this (any case) are refused with a permanent 400 invalid_recipient. Empty = none.</summary>
    [MaxLength(254)]
    public string? PermanentErrorEmailSuffix { get; init; } = "@bounce.test";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LatencyMinMs > LatencyMaxMs)
        {
            yield return new ValidationResult(
                $"LatencyMinMs ({LatencyMinMs}) must not exceed LatencyMaxMs ({LatencyMaxMs}).", [nameof(LatencyMinMs), nameof(LatencyMaxMs)]);
        }

        if (LatencyP99Ms > 0 && LatencyP99Ms < LatencyMaxMs)
        {
            yield return new ValidationResult(
                $"LatencyP99Ms ({LatencyP99Ms}) is a tail beyond LatencyMaxMs ({LatencyMaxMs}): 0 or at least LatencyMaxMs.", [nameof(LatencyP99Ms)]);
        }

        // One roll of the dice is split between the three outcomes, so together they cannot claim more than every send.
        if (HangRate + ErrorRate + LostAnswerRate > 1.0 + 1e-9)
        {
            yield return new ValidationResult(
                $"HangRate + ErrorRate + LostAnswerRate is {HangRate + ErrorRate + LostAnswerRate}; together they must not exceed 1.",
                [nameof(HangRate), nameof(ErrorRate), nameof(LostAnswerRate)]);
        }
    }
}
