namespace Birthday.AppHost;

public static class TraceSamplingExtensions
{
    /// <summary>
    /// While running (the exports set their own sampler), every project keeps every trace, but follows its parent's
    /// decision: Aspire's development default, <c>always_on</c>, also records what runs under a span deliberately not
    /// recorded, such as a health probe's database and Redis calls, and the dashboard then lists each of them as a trace
    /// of its own with its parent missing.
    /// </summary>
    public static IDistributedApplicationBuilder KeepEveryTraceItsParentKeeps(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                // Added after Aspire's own OTLP settings, so this value wins.
                foreach (var project in e.Model.Resources.OfType<ProjectResource>())
                {
                    project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                        context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = "parentbased_always_on"));
                }

                return Task.CompletedTask;
            });
        }

        return builder;
    }
}
