namespace Birthday.Api.Admin;

/// <summary>Messages by status, and how far behind delivery is.</summary>
public sealed record MessageSummary(IReadOnlyDictionary<string, long> ByStatus, long PendingAndDue, string? OldestDueNotSent, string Now);

/// <summary>How many rows or queue messages an admin re-drive moved.</summary>
public sealed record RedriveResult(long Redriven, long Skipped, string? Note = null);
