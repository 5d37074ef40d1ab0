namespace Birthday.Hosting.Infrastructure.Containers;

/// <summary>
/// <c>Infrastructure:Images:{Postgres|RabbitMQ|Redis}</c>: a whole image reference (<c>mirror.example.com/postgres:18.3</c>,
/// <c>local/postgres:compose-check</c>) that replaces the official image of that server kind while running. For a
/// registry mirror, a pinned digest, or the stand-ins built here from Debian's packages (scripts/container-smoke.sh),
/// since no registry is reachable on these machines. The exported files always name the official images (their
/// <c>*_IMAGE</c> variables choose others at deployment), so the setting is read in run mode only.
/// </summary>
public static class ServerImageExtensions
{
    public const string SettingSection = "Infrastructure:Images";

    public static IResourceBuilder<T> WithImageFromSettings<T>(this IResourceBuilder<T> server, string serverKind)
        where T : ContainerResource
    {
        var builder = server.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode || builder.Configuration[$"{SettingSection}:{serverKind}"] is not { } setting
            || string.IsNullOrWhiteSpace(setting))
        {
            return server;
        }

        // The setting is the whole reference: Aspire would otherwise keep docker.io in front of a mirror's host name.
        return server.WithImageRegistry(null).WithImage(setting.Trim());
    }
}
