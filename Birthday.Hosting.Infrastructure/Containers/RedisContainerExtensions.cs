namespace Birthday.Hosting.Infrastructure.Containers;

public static class RedisContainerExtensions
{
    /// <summary>
    /// Every write logged to an append-only file (fsync each second), and a memory ceiling past which the least
    /// recently used keys go: the cache only ever holds copies, so evicting any key is safe, running out of memory is not.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFileAndEviction(this IResourceBuilder<RedisResource> cache, string maxMemory) =>
        cache.WithArgs(context =>
        {
            // Aspire starts Redis as `/bin/sh -c "redis-server …"`: the options belong inside that one command string.
            var index = context.Args.ToList().FindIndex(arg => arg is string text && text.StartsWith("redis-server", StringComparison.Ordinal));
            if (index < 0)
            {
                throw new InvalidOperationException("The Redis container's command line has no 'redis-server …' argument to extend.");
            }

            // Through the image's own entrypoint, which hands /data to the redis user and drops root; started straight
            // from /bin/sh, redis-server would run as root.
            context.Args[index] = $"exec docker-entrypoint.sh {context.Args[index]} --appendonly yes --appendfsync everysec --maxmemory {maxMemory} --maxmemory-policy allkeys-lru";
        });
}
