using System.Runtime.Versioning;
using System.Globalization;

namespace Birthday.Hosting.Infrastructure.Host;

[SupportedOSPlatform("linux")]
public static class HostRedisExtensions
{
    public static IResourceBuilder<HostRedisResource> AddHostRedis(
        this IDistributedApplicationBuilder builder, string name, HostState state, ServerBinaries binaries)
    {
        var folder = state.Folder("redis");
        var redis = new HostRedisResource(name, binaries.RedisServer, folder, LoopbackPorts.Next(), state.Secret("redis-password"));
        return builder.AddResource(redis)
            .WithArgs(
                "--port", redis.Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--daemonize", "no",
                "--dir", folder,
                "--appendonly", "yes",
                "--save", "",
                "--requirepass", state.Secret("redis-password"),
                // A cache for read-your-writes and hot reads: under memory pressure it forgets, it never refuses a write.
                "--maxmemory", "256mb",
                "--maxmemory-policy", "allkeys-lru")
            .WithFixedPortEndpoint("tcp", redis.Port, "tcp")
            .WithHealthCheck(() => new RedisHealthCheck(redis.ConnectionString))
            .WithIconName("Memory");
    }
}
