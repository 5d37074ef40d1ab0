using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Birthday.Tests.Unit;

/// <summary>
/// Just enough of a Redis connection for the api's user cache: strings kept in memory until they expire (by the given
/// clock), publishes accepted and kept in order, and writes that can be refused as a live connection refuses them when
/// Redis does not answer in time.
/// </summary>
internal sealed class InMemoryRedis
{
    private readonly ConcurrentDictionary<string, (RedisValue Value, DateTimeOffset? ExpiresAt)> _strings = new();
    private readonly TimeProvider _time;
    private readonly IDatabase _database;

    public InMemoryRedis(TimeProvider time)
    {
        _time = time;
        Connection = StandIn<IConnectionMultiplexer>(Connect);
        _database = StandIn<IDatabase>(Answer);
    }

    public IConnectionMultiplexer Connection { get; }

    public bool RefusesWrites { get; set; }

    /// <summary>The messages published on any channel, in order.</summary>
    public ConcurrentQueue<string> Published { get; } = new();

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
            "StringGetAsync" => Task.FromResult(Get(key)),
            "StringSetAsync" when RefusesWrites => Task.FromException<bool>(Refused()),
            "StringSetAsync" when OnlyIfAbsent(args) && !Get(key).IsNull => Task.FromResult(false),
            "StringSetAsync" => Set(key, (RedisValue)args[1]!, Lifetime(args)),
            "PublishAsync" when RefusesWrites => Task.FromException<long>(Refused()),
            "PublishAsync" => Publish((RedisValue)args[1]!),
            "KeyDeleteAsync" => Task.FromResult(_strings.TryRemove(key, out _)),
            _ => throw new NotSupportedException($"IDatabase.{method.Name} is not part of this stand-in"),
        };
    }

    private Task<long> Publish(RedisValue message)
    {
        Published.Enqueue(message.ToString());
        return Task.FromResult(0L);
    }

    // StackExchange.Redis takes the condition as When or as ValueCondition, and the expiry as TimeSpan or as Expiration,
    // whose only public form is its command text ("EX 60", "NX").
    private static bool OnlyIfAbsent(object?[] args) =>
        args.Any(a => a is When.NotExists || (a is ValueCondition condition && condition.ToString() == "NX"));

    private static TimeSpan Lifetime(object?[] args)
    {
        foreach (var arg in args)
        {
            switch (arg)
            {
                case TimeSpan span:
                    return span;
                case Expiration expiration when Regex.Match(expiration.ToString(), @"^(EX|PX) (\d+)$") is { Success: true } ex:
                    var amount = long.Parse(ex.Groups[2].Value, CultureInfo.InvariantCulture);
                    return ex.Groups[1].Value == "EX" ? TimeSpan.FromSeconds(amount) : TimeSpan.FromMilliseconds(amount);
            }
        }

        return TimeSpan.Zero;
    }

    private RedisValue Get(string key) =>
        _strings.TryGetValue(key, out var entry) && !(entry.ExpiresAt <= _time.GetUtcNow()) ? entry.Value : RedisValue.Null;

    private Task<bool> Set(string key, RedisValue value, TimeSpan expiry)
    {
        _strings[key] = (value, expiry > TimeSpan.Zero ? _time.GetUtcNow() + expiry : null);
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
