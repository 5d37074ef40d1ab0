using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Birthday.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP endpoint in the test process that keeps every span the services export, so a test can see the traces a
/// dashboard would show. The testing builder starts no dashboard (and its telemetry API needs one running), so the
/// services export here instead: <c>POST /v1/traces</c> in protobuf is decoded and kept; logs and metrics are accepted
/// and dropped.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly List<ReceivedSpan> _spans = [];
    private readonly Dictionary<string, List<ReceivedSpan>> _traces = new(StringComparer.Ordinal);

    private OtlpTraceReceiver(WebApplication server) => _server = server;

    /// <summary>The base URL to give the services as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (protocol http/protobuf).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new OtlpTraceReceiver(builder.Build());
        receiver._server.MapPost("/v1/traces", receiver.ReceiveTracesAsync);
        receiver._server.MapPost("/v1/{signal}", () => Accepted());
        await receiver._server.StartAsync();
        var address = receiver._server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    /// <summary>How many spans have arrived so far: a mark to ask for what came after it (<see cref="SpansSince"/>).</summary>
    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    /// <summary>The spans that arrived after <paramref name="mark"/> (a <see cref="Count"/> read earlier).</summary>
    public IReadOnlyList<ReceivedSpan> SpansSince(int mark)
    {
        lock (_spans)
        {
            return _spans[mark..];
        }
    }

    /// <summary>Every span received so far that matches.</summary>
    public IReadOnlyList<ReceivedSpan> Where(Func<ReceivedSpan, bool> predicate)
    {
        lock (_spans)
        {
            return [.. _spans.Where(predicate)];
        }
    }

    /// <summary>
    /// Each trace received so far, by its earliest span: how a trace viewer lists traces, one whose root never arrived
    /// (its parent was not recorded, or is in a process that exports nothing) included.
    /// </summary>
    public IReadOnlyList<ReceivedSpan> TraceStarts()
    {
        lock (_spans)
        {
            return [.. _traces.Values.Select(trace => trace.MinBy(span => span.Start)!)];
        }
    }

    /// <summary>The spans of one trace received so far, in the order they arrived.</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId)
    {
        lock (_spans)
        {
            return _traces.TryGetValue(traceId, out var spans) ? [.. spans] : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private async Task<IResult> ReceiveTracesAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var spans = OtlpTraceDecoder.Decode(body.ToArray());
        lock (_spans)
        {
            foreach (var span in spans)
            {
                _spans.Add(span);
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = [];
                }

                trace.Add(span);
            }
        }

        return Accepted();
    }

    /// <summary>OTLP/HTTP's success: 200 with an empty Export…ServiceResponse (an empty protobuf message is no bytes).</summary>
    private static IResult Accepted() => Results.Bytes([], "application/x-protobuf");
}
