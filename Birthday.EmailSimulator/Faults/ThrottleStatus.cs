namespace Birthday.EmailSimulator.Faults;

/// <summary>How many more sends will be refused with 429, and the Retry-After they carry.</summary>
public sealed record ThrottleStatus(long RemainingRequests, int RetryAfterSeconds);
