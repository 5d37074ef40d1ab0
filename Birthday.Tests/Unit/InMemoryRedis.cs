using System.Collections.Concurrent;
using System.Reflection;
using StackExchange.Redis;

namespace Birthday.Tests.Unit;

/// <summary>
/// Just enough of a Redis connection for the api's user cache: strings kept in memory, publishes counted, and writes
/// that can be refused as a live connection refuses them when Redis does not answer in time.
/// </summary>
internal sealed class InMemoryRedis
{
    private readonly ConcurrentDictionary<string, RedisValue> _strings = new();
    private readonly IDatabase _database;

    public InMemoryRedis()
    {
        Connection = StandIn<IConnectionMultiplexer>(Connect);
        _database = StandIn<IDatabase>(Answer);
    }

    public IConnectionMultiplexer Connection { get; }

    public bool RefusesWrites { get; set; }

    private object? Connect(MethodInfo method, object?[] args) => method.Name switch
    {
        "get_IsConnected" => true,
        "GetDatabase" => _database,
        "add_ConnectionRestored" or "remove_ConnectionRestored" => null,
        _ => throw new NotSupportedException($"IConnectionMultiplexer.{method.Name} is not part of this stand-in"),
    };

    private object? Answer(MethodInfo method, object?[] args)
    {
        var key = args.Length > 0 && args[0] is RedisKey k ? (string)k! : "";
        return method.Name switch
        {
            "StringGetAsync" => Task.FromResult(_strings.TryGetValue(key, out var value) ? value : RedisValue.Null),
            "StringSetAsync" when RefusesWrites => Task.FromException<bool>(Refused()),
            "StringSetAsync" when args.OfType<When>().FirstOrDefault() == When.NotExists => Task.FromResult(_strings.TryAdd(key, (RedisValue)args[1]!)),
            "StringSetAsync" => Set(key, (RedisValue)args[1]!),
            "PublishAsync" when RefusesWrites => Task.FromException<long>(Refused()),
            "PublishAsync" => Task.FromResult(0L),
            "KeyDeleteAsync" => Task.FromResult(_strings.TryRemove(key, out _)),
            _ => throw new NotSupportedException($"IDatabase.{method.Name} is not part of this stand-in"),
        };
    }

    private Task<bool> Set(string key, RedisValue value)
    {
        _strings[key] = value;
        return Task.FromResult(true);
    }

    private static RedisTimeoutException Refused() => new("Timeout awaiting response (stand-in)", CommandStatus.Sent);

    private static T StandIn<T>(Func<MethodInfo, object?[], object?> answer) where T : class
    {
        var proxy = DispatchProxy.Create<T, Stand>();
        ((Stand)(object)proxy).Answer = answer;
        return proxy;
    }

    /// <summary>Hands every call on the interface to the answer it was given.</summary>
#pragma warning disable CA1852 // DispatchProxy derives the stand-in from it at run time: it cannot be sealed
    public class Stand : DispatchProxy
#pragma warning restore CA1852
    {
        public Func<MethodInfo, object?[], object?> Answer { get; set; } = (method, _) => throw new NotSupportedException(method.Name);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Answer(targetMethod!, args ?? []);
    }
}
