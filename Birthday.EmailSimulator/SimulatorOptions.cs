using System.ComponentModel.DataAnnotations;

namespace Birthday.EmailSimulator;

/// <summary>
/// Settings fixed for the life of the process (section <c>Simulator</c>). What may change at run time lives in
/// <see cref="Faults.FailureModes"/>.
/// </summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Deliveries kept for <c>GET /sent</c>; the oldest go first. Counters keep counting past it.</summary>
    [Range(1, 100_000_000)]
    public int MaxRecords { get; set; } = 1_000_000;

    /// <summary>Seeds the dice so a run can be repeated; unset, every run rolls differently.</summary>
    public int? Seed { get; set; }

    /// <summary>A hanging request is released after this long even if its client never gives up, so none lives forever.</summary>
    [Range(1, 86_400)]
    public int MaxHangSeconds { get; set; } = 600;
}
