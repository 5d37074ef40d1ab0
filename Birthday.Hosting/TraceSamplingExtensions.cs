namespace Birthday.Hosting;

public static class TraceSamplingExtensions
{
    /// <summary>
    /// While running (the exports set their own sampler), every project keeps every trace, but follows its parent's
    /// decision: Aspire's development default, <c>always_on</c>, also records what runs under a span deliberately not
    /// recorded, such as a health probe's database and Redis calls, and the dashboard then lists each of them as a trace
    /// of its own with its parent missing.
    /// </summary>
    public static IDistributedApplicationBuilder KeepEveryTraceItsParentKeeps(this IDistributedApplicationBuilder builder) =>
        builder.SetOnEveryProjectWhileRunning("OTEL_TRACES_SAMPLER", "parentbased_always_on");
}
