namespace Birthday.EmailSimulator.Faults;

/// <summary>Whether an outage is on, and until when (UTC).</summary>
public sealed record OutageStatus(bool Active, DateTime? EndsAt);
