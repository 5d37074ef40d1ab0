namespace Birthday.Hosting.Infrastructure.Host;

/// <summary>
/// Where Debian's packages put the servers. A missing binary stops the AppHost at once with the package to install,
/// instead of a resource that never starts.
/// </summary>
public sealed record ServerBinaries(string PostgresBin, string RabbitMQBin, string Epmd, string RedisServer)
{
    private static readonly string[] EpmdLocations = ["/usr/bin/epmd", "/usr/lib/erlang/bin/epmd"];

    /// <param name="root">The file system root to look under; tests point it at an empty folder.</param>
    public static ServerBinaries Locate(string root = "/")
    {
        string At(string path) => Path.Combine(root, path.TrimStart('/'));

        var postgresBin = Directory.Exists(At("/usr/lib/postgresql"))
            ? Directory.GetDirectories(At("/usr/lib/postgresql"))
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres")) && File.Exists(Path.Combine(d, "pg_basebackup")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

        var missing = new List<string>();
        if (postgresBin is null)
        {
            missing.Add("postgresql (no /usr/lib/postgresql/*/bin/postgres)");
        }

        var rabbitMQBin = At("/usr/lib/rabbitmq/bin");
        if (!File.Exists(Path.Combine(rabbitMQBin, "rabbitmq-server")))
        {
            missing.Add($"rabbitmq-server (no {rabbitMQBin}/rabbitmq-server)");
        }

        var epmd = EpmdLocations.Select(At).FirstOrDefault(File.Exists);
        if (epmd is null)
        {
            missing.Add("erlang-base (no epmd; it comes with rabbitmq-server)");
        }

        var redisServer = At("/usr/bin/redis-server");
        if (!File.Exists(redisServer))
        {
            missing.Add($"redis-server (no {redisServer})");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "Host mode needs Debian's server packages, and these are missing: " + string.Join(", ", missing) +
                ". Install them with: apt-get install -y --no-install-recommends postgresql rabbitmq-server redis-server" +
                " (the README's run and test scripts do this for you), or set Infrastructure:Mode=containers on a machine with a container engine.");
        }

        return new ServerBinaries(postgresBin!, rabbitMQBin, epmd!, redisServer);
    }
}
