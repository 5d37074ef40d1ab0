using Aspire.Hosting.ApplicationModel;

namespace Birthday.Tests.Integration;

internal static class ResourceExtensions
{
    public static bool HasHealthChecks(this IResource resource) => resource.Annotations.OfType<HealthCheckAnnotation>().Any();
}
