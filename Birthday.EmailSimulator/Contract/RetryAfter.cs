namespace Birthday.EmailSimulator.Contract;

public static class RetryAfter
{
    /// <summary>Retry-After in whole seconds, rounded up so a client that obeys never comes back too early; at least 1.</summary>
    public static int Seconds(TimeSpan wait) => (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);
}
