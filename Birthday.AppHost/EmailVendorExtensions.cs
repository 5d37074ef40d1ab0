using Birthday.Hosting;

namespace Birthday.AppHost;

/// <summary>Where the workers send mail: the simulator while the application runs here, the real vendor once published.</summary>
public sealed record EmailVendor(IResourceBuilder<ProjectResource>? Simulator, IResourceBuilder<ParameterResource>? BaseUrl);

public static class EmailVendorExtensions
{
    /// <summary>
    /// Running, a stand-in for the vendor (development, tests, benchmarks) whose failure modes come from the AppHost's
    /// Simulator section (e.g. --Simulator:ErrorRate=0.1) and its /admin endpoints. Published, the parameter
    /// <c>email-service-url</c>: the simulator is never part of a deployment.
    /// </summary>
    public static EmailVendor AddEmailVendor(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? new EmailVendor(builder.AddProject<Projects.Birthday_EmailSimulator>("email-simulator")
                .WithForwardedSettings("Simulator")
                .WithDirectLaunchProfileEndpoint()
                .WithHttpHealthCheck("/health"), null)
            : new EmailVendor(null, builder.AddParameter("email-service-url"));

    public static IResourceBuilder<ProjectResource> WithEmailVendor(this IResourceBuilder<ProjectResource> worker, EmailVendor vendor)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        return vendor.Simulator is { } simulator
            ? worker.WithReference(simulator).WaitFor(simulator)
            : worker.WithEnvironment("EmailService__BaseUrl", vendor.BaseUrl!);
    }
}
