namespace Birthday.EmailSimulator.Faults;

/// <summary>
/// Every roll of the dice the simulator makes. Unseeded it is <see cref="Random.Shared"/>; with <c>Simulator:Seed</c>
/// it is one seeded generator so a run can be repeated (exactly for sequential sends; concurrent sends still race for
/// the rolls). Tests may register their own.
/// </summary>
public sealed class RandomSource(int? seed)
{
    private readonly Random? _seeded = seed is { } value ? new Random(value) : null;

    // A seeded Random is not thread-safe; the lock is only taken on seeded runs.
    private readonly Lock _gate = new();

    /// <summary>A number from 0 (inclusive) to 1 (exclusive).</summary>
    public double NextDouble()
    {
        if (_seeded is null)
        {
            return Random.Shared.NextDouble();
        }

        lock (_gate)
        {
            return _seeded.NextDouble();
        }
    }
}
