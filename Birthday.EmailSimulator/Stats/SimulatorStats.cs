namespace Birthday.EmailSimulator.Stats;

/// <summary>
/// The counters <c>GET /stats</c> shows. <see cref="DuplicateRequests"/> are sends answered by replaying an earlier
/// delivery of their Idempotency-Key; <see cref="DuplicateDeliveries"/> are deliveries that repeat an earlier one (same
/// key, which must never happen, or without a key the same recipient and text).
/// </summary>
public sealed record SimulatorStats(
    long Requests,
    long Deliveries,
    long DuplicateRequests,
    long DuplicateDeliveries,
    long Errors,
    long Hangs,
    long LostAnswers,
    long Throttled,
    long OutageRejections,
    long Invalid,
    long InvalidRecipients);
