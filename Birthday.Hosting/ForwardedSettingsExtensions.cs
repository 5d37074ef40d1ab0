using Microsoft.Extensions.Configuration;

namespace Birthday.Hosting;

public static class ForwardedSettingsExtensions
{
    /// <summary>Hands configuration sections of the AppHost down unchanged, as environment variables (<c>Section__Key</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithForwardedSettings(this IResourceBuilder<ProjectResource> project, params string[] sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var configuration = project.ApplicationBuilder.Configuration;
        foreach (var section in sections)
        {
            foreach (var setting in configuration.GetSection(section).AsEnumerable())
            {
                if (setting.Value is not null)
                {
                    project.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
                }
            }
        }

        return project;
    }
}
