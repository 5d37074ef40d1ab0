namespace Birthday.Hosting.Compose;

/// <summary>
/// What the Compose export needs to know of a server that the manifest does not say: the command that tells it is
/// healthy (other services start only then) and how much of the machine it may take. Written as the server's own shell
/// would read it; the export escapes it for Compose.
/// </summary>
public sealed record ComposeServiceAnnotation(string HealthCommand, string Cpus, string Memory) : IResourceAnnotation;

public static class ComposeServiceExtensions
{
    public static IResourceBuilder<T> WithComposeService<T>(this IResourceBuilder<T> server, string healthCommand, string cpus, string memory)
        where T : IResource =>
        server.WithAnnotation(new ComposeServiceAnnotation(healthCommand, cpus, memory));
}
