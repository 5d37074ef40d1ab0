using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// The folder where host-mode servers keep their data (<c>Infrastructure:StateDirectory</c>, by default <c>.state/</c> at the
/// repository root, ignored by git), and the secrets those servers were initialised with.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HostState
{
    public const string SettingName = "Infrastructure:StateDirectory";

    private HostState(string root) => Root = root;

    public string Root { get; }

    public static HostState From(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[SettingName];
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".state"))
            : Path.GetFullPath(configured);
        Directory.CreateDirectory(root);
        OpenForServerUsers(root);
        return new HostState(root);
    }

    public string Folder(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        OpenForServerUsers(path);
        return path;
    }

    /// <summary>
    /// A secret generated on first use and kept beside the data it protects: a host-mode server is initialised once with
    /// its password, so a new password on every run would lock the application out of its own data.
    /// </summary>
    public string Secret(string name)
    {
        var path = Path.Combine(Folder("secrets"), name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(path, secret);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    /// <summary>Postgres runs as the <c>postgres</c> user, so every folder on the way to its data must be traversable by it.</summary>
    private static void OpenForServerUsers(string path)
    {
        File.SetUnixFileMode(path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
