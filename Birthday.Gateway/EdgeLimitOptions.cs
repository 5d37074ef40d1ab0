using System.ComponentModel.DataAnnotations;

namespace Birthday.Gateway;

/// <summary>
/// Kestrel's limits at the public door (configuration section <c>Gateway:Edge</c>): what one slow, greedy or malformed
/// client may cost the gateway before it is cut off. Each answer Kestrel gives for them is written before routing, so it
/// has no body (see docs/design.md, "Bad input").
/// </summary>
public sealed class EdgeLimitOptions
{
    /// <summary>All of a request's headers must arrive within this, or Kestrel answers 408 and closes: a slow-loris client cannot hold a connection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle keep-alive connection is closed after this; a little over the 60 s most load balancers use, so they close first.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(65);

    /// <summary>A body that arrives slower than this (after the grace period) is cut off with 408. A user is a few hundred bytes.</summary>
    [Range(1, 1_000_000)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>A client that reads the answer slower than this (after the grace period) is disconnected.</summary>
    [Range(1, 1_000_000)]
    public double MinResponseBytesPerSecond { get; set; } = 240;

    /// <summary>How long either data rate may be below its minimum at first (Kestrel checks once a second, so more than 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:01:00")]
    public TimeSpan DataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections the gateway holds at once, from everyone; more wait in the listen backlog.</summary>
    [Range(1, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Open connections from one client address (Kestrel has no such cap of its own): past it a new connection is closed
    /// at once, so one address cannot take the whole of <see cref="MaxConcurrentConnections"/>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerClient { get; set; } = 256;

    /// <summary>Every header of a request together; tighter than the api's Kestrel (32 KiB), so what the gateway accepts and forwards, the api accepts too (431 otherwise).</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    /// <summary>Headers in one request; tighter than the api's 100, which also counts the forwarding headers the gateway adds (431 otherwise).</summary>
    [Range(1, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>The request line (method, target, version); 414 beyond it.</summary>
    [Range(256, 64 * 1024)]
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>HTTP/2 streams one connection may have open at once (the default, said out loud: multiplexing is not a way round the per-client limits).</summary>
    [Range(1, 1000)]
    public int Http2MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>HPACK's dynamic table per connection: memory a client makes us keep.</summary>
    [Range(0, 64 * 1024)]
    public int Http2HeaderTableSize { get; set; } = 4096;

    /// <summary>Largest HTTP/2 frame payload we accept (RFC 9113 allows 16 KiB to 16 MiB).</summary>
    [Range(16 * 1024, 16 * 1024 * 1024 - 1)]
    public int Http2MaxFrameSize { get; set; } = 16 * 1024;

    /// <summary>One HPACK-decoded header field; no larger than all the headers of an HTTP/1.1 request may be.</summary>
    [Range(1024, 1024 * 1024)]
    public int Http2MaxRequestHeaderFieldSize { get; set; } = 16 * 1024;
}
