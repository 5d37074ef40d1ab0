using NodaTime;

namespace Birthday.Scheduler.Dispatching;

/// <summary>What one claim did, and when the next one could find something.</summary>
/// <param name="Claimed">Rows claimed and published.</param>
/// <param name="NextDueAt">
/// When the earliest Pending row left may be claimed, by the scheduler's clock (already past if a row could not be
/// taken this time, locked by another transaction); null when no row is Pending at all.
/// </param>
public sealed record DispatchResult(int Claimed, Instant? NextDueAt);
