namespace Birthday.Tests.Integration;

/// <summary>Waits for something the application does on its own time: polls a condition until it holds or the time is up.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <param name="failure">What to say when the time is up (computed then, so it can carry fresh logs).</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure());
            }

            await Task.Delay(PollInterval);
        }
    }
}
