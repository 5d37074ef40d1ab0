using System.ComponentModel.DataAnnotations;

namespace Birthday.Gateway.ReadCache;

/// <summary>The gateway's cache of single-user reads (configuration section <c>Gateway:UserCache</c>).</summary>
public sealed class UserReadCacheOptions
{
    /// <summary>Off: every read goes to an api instance.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest an answer is served from memory. Changes announced by the api drop it at once; this bounds only what an
    /// announcement lost while the connection to Redis stayed up could leave stale.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Users kept at most (a few hundred bytes each); past it, new answers are not kept until old ones expire.</summary>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Answers larger than this are never kept (a user is a few hundred bytes).</summary>
    [Range(1, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 16 * 1024;
}
