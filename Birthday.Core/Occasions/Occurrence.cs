using NodaTime;

namespace Birthday.Core.Occasions;

/// <summary>One yearly occurrence: the user's local calendar date and the instant the message is due.</summary>
public readonly record struct Occurrence(LocalDate LocalDate, Instant DueAt);
