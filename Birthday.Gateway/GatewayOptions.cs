using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Birthday.Gateway;

/// <summary>The gateway's own settings (configuration section <c>Gateway</c>); YARP's routes and cluster are under <c>ReverseProxy</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body accepted at all; the users API refuses anything over 16 KiB itself as well.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Adds <c>X-Served-By</c> (which api instance answered) to responses: for tests and benchmarks, off in production.</summary>
    public bool ExposeServedBy { get; set; }

    /// <summary>
    /// Routes the api's /admin/v1 operations too: for load tests (k6) that move the virtual clock and read the message
    /// summary through the one public address. Off in production, where operators reach an api instance directly.
    /// </summary>
    public bool ExposeAdmin { get; set; }

    [Required]
    [ValidateObjectMembers]
    public RateLimitOptions RateLimits { get; set; } = new();

    [Required]
    [ValidateObjectMembers]
    public EdgeLimitOptions Edge { get; set; } = new();

    [Required]
    [ValidateObjectMembers]
    public ReadCache.UserReadCacheOptions UserCache { get; set; } = new();
}

/// <summary>
/// Checks the options at start-up, nested sections included: data annotations alone stop at the top level, so a rate
/// or a timeout out of range would go unnoticed until it misbehaved.
/// </summary>
[OptionsValidator]
public sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>;

/// <summary>Per-client-IP limits in three zones: everything, API reads, and writes.</summary>
public sealed class RateLimitOptions
{
    /// <summary>For load tests only: one load generator does the work of thousands of clients.</summary>
    public bool Disabled { get; set; }

    [Range(1, 1_000_000)]
    public int GeneralPerSecond { get; set; } = 100;

    [Range(1, 1_000_000)]
    public int GeneralBurst { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int ApiPerSecond { get; set; } = 50;

    [Range(1, 1_000_000)]
    public int ApiBurst { get; set; } = 100;

    [Range(1, 1_000_000)]
    public int WritesPerSecond { get; set; } = 10;

    [Range(1, 1_000_000)]
    public int WritesBurst { get; set; } = 20;

    /// <summary>Requests one client may have in flight at once (nginx's limit_conn).</summary>
    [Range(1, 100_000)]
    public int ConcurrentRequestsPerClient { get; set; } = 128;
}
