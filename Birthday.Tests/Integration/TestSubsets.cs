namespace Birthday.Tests.Integration;

/// <summary>
/// Named subsets of the integration tests, as xUnit traits (<c>dotnet test --filter Category=Smoke</c>).
/// </summary>
public static class TestSubsets
{
    public const string Category = "Category";

    /// <summary>
    /// The few tests that say the whole application works, wherever its servers run: every resource healthy, a user
    /// created and read back through the gateway, the replica following the primary, Redis answering, and one message
    /// delivered exactly once. scripts/container-smoke.sh runs them against the AppHost's container mode.
    /// </summary>
    public const string Smoke = "Smoke";
}
