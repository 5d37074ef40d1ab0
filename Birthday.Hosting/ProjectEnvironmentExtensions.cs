namespace Birthday.Hosting;

public static class ProjectEnvironmentExtensions
{
    /// <summary>
    /// While running (never in the exports), every project of the model gets the environment variable
    /// <paramref name="name"/>: added once the model is complete, after Aspire's own settings (its OTLP ones among them),
    /// so this value is the one the service sees.
    /// </summary>
    public static IDistributedApplicationBuilder SetOnEveryProjectWhileRunning(this IDistributedApplicationBuilder builder, string name, string value) =>
        builder.SetOnEveryProjectWhileRunning(name, _ => value);

    /// <summary>The same, with a value that depends on the project.</summary>
    public static IDistributedApplicationBuilder SetOnEveryProjectWhileRunning(this IDistributedApplicationBuilder builder, string name,
        Func<ProjectResource, string> valueFor)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                foreach (var project in e.Model.Resources.OfType<ProjectResource>())
                {
                    var value = valueFor(project);
                    project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables[name] = value));
                }

                return Task.CompletedTask;
            });
        }

        return builder;
    }
}
