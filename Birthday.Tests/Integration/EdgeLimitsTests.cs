using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Birthday.Tests.BadInput;
using Xunit.Abstractions;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// The gateway's Kestrel against slow and abusive clients, over raw sockets on loopback. What Kestrel refuses before any
/// middleware runs has its status and no body (no code of ours sees the request; docs/design.md lists them); what gets
/// past Kestrel is answered with a problem body like everything else.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class EdgeLimitsTests(BirthdayApplication application, ITestOutputHelper output) : IDisposable
{
    /// <summary>The fixture's Gateway:Edge:RequestHeadersTimeout.</summary>
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = application.CreateGatewayClient();

    public void Dispose() => _http.Dispose();

    private IPEndPoint Gateway => new(IPAddress.Loopback, _http.BaseAddress!.Port);

    [Fact]
    public async Task Three_hundred_slow_loris_connections_from_one_address_do_not_stop_another_client_and_each_gets_408()
    {
        const int SlowClients = 300;
        var id = (await new UsersApiClient(_http).CreateAsync(NewUser())).GetProperty("id").GetString()!;
        var slowAddress = IPAddress.Parse("127.0.0.2");
        var slow = new List<Socket>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            for (var i = 0; i < SlowClients; i++)
            {
                var socket = await RawHttp.ConnectAsync(Gateway, slowAddress, deadline.Token);
                slow.Add(socket);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: gateway\r\n"), SocketFlags.None, deadline.Token);
            }

            // While they trickle a header line now and then (and never finish), another client is served at once.
            var slowest = TimeSpan.Zero;
            for (var round = 0; round < 6; round++)
            {
                var clock = Stopwatch.StartNew();
                using var health = await _http.GetAsync(new Uri("/health", UriKind.Relative), deadline.Token);
                using var user = await _http.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative), deadline.Token);
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal(HttpStatusCode.OK, user.StatusCode);
                foreach (var socket in slow)
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes($"X-Slow-{round}: 1\r\n"), SocketFlags.None, deadline.Token);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }

            output.WriteLine($"{SlowClients} slow connections open; another client's slowest /health + user read: {slowest.TotalMilliseconds:F0} ms");
            Assert.True(slowest < TimeSpan.FromSeconds(2), $"another client waited {slowest} while {SlowClients} slow connections were open");

            // Each is cut off when its headers have not all come within the timeout (plus Kestrel's once-a-second check).
            using var cutOff = new CancellationTokenSource(HeadersTimeout + TimeSpan.FromSeconds(10));
            var answers = await Task.WhenAll(slow.Select(socket => RawHttp.ReadAsync(socket, cutOff.Token)));
            var statuses = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine("slow connections' answers: " + string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
            Assert.True(answers.All(a => a.Status == 408), $"every slow connection should get 408: {string.Join(", ", statuses)}");
        }
        finally
        {
            foreach (var socket in slow)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Requests the gateway's Kestrel refuses while parsing, before routing: its own status, an empty body. Kept in step
    /// with docs/design.md ("Bad input").
    /// </summary>
    public static TheoryData<string, string, int> RefusedBeforeRouting() => new()
    {
        { "a NUL in the path (%00)", "GET /api/v1/users/%00 HTTP/1.1\r\nHost: g\r\n\r\n", 400 },
        { "a NUL inside a path segment", "GET /api/v1/users/a%00b/messages HTTP/1.1\r\nHost: g\r\n\r\n", 400 },
        { "a request line that is not HTTP", "HELLO\r\n\r\n", 400 },
        { "a space in the target", "GET /api/v1/users/a b HTTP/1.1\r\nHost: g\r\n\r\n", 400 },
        { "no Host header", "GET /api/v1/users HTTP/1.1\r\n\r\n", 400 },
        { "two Host headers", "GET /api/v1/users HTTP/1.1\r\nHost: g\r\nHost: h\r\n\r\n", 400 },
        { "a header line without a colon", "GET /api/v1/users HTTP/1.1\r\nHost: g\r\nnot a header\r\n\r\n", 400 },
        { "a NUL in a header value", "GET /api/v1/users HTTP/1.1\r\nHost: g\r\nX-Bad: a\u0000b\r\n\r\n", 400 },
        { "a header value that is not ASCII", "GET /api/v1/users HTTP/1.1\r\nHost: g\r\nX-Name: Zo\u00eb\r\n\r\n", 400 },
        { "a Content-Length that is not a number", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}", 400 },
        { "a negative Content-Length", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}", 400 },
        { "a Content-Length past 2^64", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{}", 400 },
        { "two different Content-Lengths", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400 },
        { "a final transfer coding that is not chunked", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}", 400 },
        { "an unknown HTTP version", "GET /api/v1/users HTTP/1.7\r\nHost: g\r\n\r\n", 505 },
        { "a request line over 8 KiB", $"GET /api/v1/users?after={new string('a', 9000)} HTTP/1.1\r\nHost: g\r\n\r\n", 414 },
        { "headers over 16 KiB", $"GET /api/v1/users HTTP/1.1\r\nHost: g\r\nX-Big: {new string('a', 17 * 1024)}\r\n\r\n", 431 },
        { "65 headers", "GET /api/v1/users HTTP/1.1\r\nHost: g\r\n" + string.Concat(Enumerable.Range(0, 64).Select(i => $"X-H{i}: {i}\r\n")) + "\r\n", 431 },
    };

    [Theory]
    [MemberData(nameof(RefusedBeforeRouting))]
    public async Task A_request_Kestrel_refuses_before_routing_gets_its_status_and_an_empty_body(string what, string request, int status)
    {
        var answer = await RawHttp.SendAsync(Gateway, Encoding.Latin1.GetBytes(request), TimeSpan.FromSeconds(10));

        Assert.True(answer.Status == status, $"{what}: expected {status}, got {answer}");
        Assert.Equal("", answer.Body);
    }

    public static TheoryData<string, string, int> RefusedAfterRouting() => new()
    {
        { "a body over the gateway's 64 KiB by its Content-Length", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{", 413 },
        { "a chunked body over the api's 16 KiB", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + string.Concat(Enumerable.Repeat("400\r\n" + new string(' ', 1024) + "\r\n", 20)) + "0\r\n\r\n", 413 },
        { "a chunk size that is not hex", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400 },
        { "Content-Length and chunked together", "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400 },
        { "chunked on HTTP/1.0", "POST /api/v1/users HTTP/1.0\r\nHost: g\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400 },
        { "a control character (not NUL) in a header the api ignores", "GET /api/v1/users/abc HTTP/1.1\r\nHost: g\r\nX-Bad: a\u0001b\r\nConnection: close\r\n\r\n", 404 },
        { "an X-Request-ID of 8 KiB", $"GET /api/v1/users/abc HTTP/1.1\r\nHost: g\r\nX-Request-ID: {new string('a', 8 * 1024)}\r\nConnection: close\r\n\r\n", 404 },
    };

    [Theory]
    [MemberData(nameof(RefusedAfterRouting))]
    public async Task A_request_that_gets_past_Kestrel_is_refused_with_a_problem_body(string what, string request, int status)
    {
        var answer = await RawHttp.SendAsync(Gateway, Encoding.Latin1.GetBytes(request), TimeSpan.FromSeconds(15));

        Assert.True(answer.Status == status, $"{what}: expected {status}, got {answer}");
        var body = answer.Header("Transfer-Encoding") == "chunked" ? Unchunk(answer.Body) : answer.Body;
        var contentType = answer.Header("Content-Type") is { } type ? System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type) : null;
        Assert.True(ProblemAnswer.Check(contentType, status, body, field: null) is null, $"{what}: {ProblemAnswer.Check(contentType, status, body, null)}: {answer}");
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_cut_off_with_a_408_problem()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await RawHttp.ConnectAsync(Gateway, IPAddress.Loopback, deadline.Token);
        var clock = Stopwatch.StartNew();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /api/v1/users HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"firstName\""),
            SocketFlags.None, deadline.Token);

        var answer = await RawHttp.ReadAsync(socket, deadline.Token);

        output.WriteLine($"answered after {clock.Elapsed.TotalSeconds:F1} s: {answer}");
        Assert.True(answer.Status == 408, $"expected 408, got {answer}");
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var rest = chunked;
        while (rest.IndexOf("\r\n", StringComparison.Ordinal) is var end and > 0
            && int.TryParse(rest[..end], System.Globalization.NumberStyles.HexNumber, null, out var size) && size > 0)
        {
            body.Append(rest, end + 2, size);
            rest = rest[(end + 2 + size + 2)..];
        }

        return body.ToString();
    }
}
