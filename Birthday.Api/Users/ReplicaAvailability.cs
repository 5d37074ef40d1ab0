namespace Birthday.Api.Users;

/// <summary>
/// Whether the read replica is worth asking. After it failed, reads go straight to the primary for a few seconds before
/// the replica is tried again, so while it is down a request costs one primary query, not a failed connection first.
/// </summary>
public sealed partial class ReplicaAvailability(ILogger<ReplicaAvailability> logger)
{
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(5);
    private long _pausedUntilTicks;

    public bool ShouldTry => DateTime.UtcNow.Ticks >= Interlocked.Read(ref _pausedUntilTicks);

    public void Failed(Exception exception)
    {
        if (ShouldTry)
        {
            ReplicaFailed(logger, exception, PauseAfterFailure.TotalSeconds);
        }

        Interlocked.Exchange(ref _pausedUntilTicks, (DateTime.UtcNow + PauseAfterFailure).Ticks);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read replica failed; reading from the primary for the next {Seconds} s")]
    private static partial void ReplicaFailed(ILogger logger, Exception exception, double seconds);
}
