using System.Globalization;
using Birthday.Tests.Telemetry;
using NodaTime;
using Npgsql;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// What the dashboard's Traces page shows, read from the spans the services export (the fixture's OTLP receiver): one
/// delivered message is one trace from the request that created its user to the vendor's answer, database calls are
/// children of the work they belong to, and an idle application records nothing.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class DashboardTraceTests(BirthdayApplication application) : IDisposable
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _gateway = application.CreateGatewayClient();
    private readonly HttpClient _simulatorHttp = application.App.CreateHttpClient("email-simulator");
    private readonly VirtualTime _time = new(application);

    private OtlpTraceReceiver Telemetry => application.Telemetry;

    public void Dispose()
    {
        _gateway.Dispose();
        _simulatorHttp.Dispose();
    }

    [Fact]
    public async Task A_delivered_message_is_one_trace_from_the_create_request_to_the_vendor_call_with_database_calls_as_children()
    {
        var date = (await _time.NowAsync()).InUtc().Date.PlusDays(3);
        var email = UniqueEmail("dashboard-trace");
        var birthday = new LocalDate(1985, date.Month, date.Day).ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);
        await new UsersApiClient(_gateway).CreateAsync(NewUser(timezone: "UTC", birthday: birthday, email: email));
        await _time.AdvanceToAsync(date.At(new LocalTime(9, 0)).InUtc().ToInstant() - Duration.FromSeconds(1));

        // The vendor received the call with the trace it belongs to (no traceparent was sent: the gateway started it).
        var simulator = new EmailSimulatorClient(_simulatorHttp);
        string? traceParent = null;
        await Eventually.HoldsAsync(async () =>
            {
                traceParent = (await simulator.SentToAsync(email)).Select(sent => sent.GetProperty("traceParent").GetString()).FirstOrDefault();
                return traceParent is not null;
            },
            TimeSpan.FromSeconds(90), () => $"{email} was never sent");
        var traceId = traceParent!.Split('-')[1];

        // Its spans come from five processes, each exporting on its own schedule: wait until the tree is whole.
        List<ReceivedSpan> path = [];
        await Eventually.HoldsAsync(() =>
            {
                path = PathToRoot(traceId, Telemetry.Trace(traceId).FirstOrDefault(IsVendorCall));
                return Task.FromResult(path.Count > 0 && path[0].IsRoot);
            },
            ExportTimeout, () => $"the vendor call's ancestry never reached a root:\n{Describe(Telemetry.Trace(traceId))}");
        var trace = Telemetry.Trace(traceId);

        // gateway request → its call to an api instance → the api's request → (the message row) → the worker's delivery →
        // its call to the vendor → the vendor's request: one unbroken chain of parents.
        Assert.Equal(
            ["gateway Server POST /api/v1/users/{**rest}", "gateway Client POST", "api Server POST /api/v1/users/",
             "worker Consumer deliver message", "worker Client POST", "email-simulator Server POST /send-email"],
            path.Select(Shape).ToList());

        // The create request's database calls are its children, not traces of their own.
        var apiRequest = path[2];
        var writes = trace.Where(span => span.Scope == "Npgsql").ToList();
        Assert.Contains(writes, span => span.ParentSpanId == apiRequest.SpanId);
        Assert.All(writes, span => Assert.Contains(trace, parent => parent.SpanId == span.ParentSpanId));

        // The delivery names its message and user, for the dashboard's search.
        var delivery = path[3];
        Assert.False(string.IsNullOrEmpty(delivery.Attributes.GetValueOrDefault("birthday.message_id")), "deliver message has no birthday.message_id");
        Assert.False(string.IsNullOrEmpty(delivery.Attributes.GetValueOrDefault("birthday.user_id")), "deliver message has no birthday.user_id");

        // The scheduler's claim is a trace of its own, named for its work, linked both ways: its publish links to this
        // trace, and the delivery links to the queue message the worker took, whose database calls are its children.
        ReceivedSpan? publish = null;
        await Eventually.HoldsAsync(() =>
            {
                publish = Telemetry.Where(span => span.Name == "enqueue deliveries" && span.Links.Any(link => link.TraceId == traceId)) is [var found, ..] ? found : null;
                return Task.FromResult(publish is not null && PathToRoot(publish.TraceId, publish) is [{ IsRoot: true }, ..]);
            },
            ExportTimeout, () => "no scheduler trace links to the message's trace, or its root never arrived");
        var dispatch = PathToRoot(publish!.TraceId, publish)[0];
        Assert.Equal(("scheduler", SpanKind.Internal), (Service(dispatch), dispatch.Kind));
        Assert.StartsWith("dispatch ", dispatch.Name, StringComparison.Ordinal);

        var received = Assert.Single(delivery.Links);
        var queueMessage = Telemetry.Trace(received.TraceId).Single(span => span.SpanId == received.SpanId);
        Assert.Equal(publish.TraceId, queueMessage.TraceId);
        Assert.Equal(("worker", SpanKind.Consumer), (Service(queueMessage), queueMessage.Kind));
        Assert.Contains(Telemetry.Trace(publish.TraceId), span => span.Scope == "Npgsql" && span.ParentSpanId == queueMessage.SpanId);
    }

    [Fact]
    public void Every_trace_begins_with_a_request_or_a_named_unit_of_work()
    {
        // Every trace the services exported since the application started (a whole boot and every earlier test), by its
        // first span, as the dashboard lists it. Traces begun in the last seconds may still lack their root: a parent
        // span ends, and is exported, after its children.
        var settled = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(15);
        var traces = Telemetry.TraceStarts().Where(first => first.Start < settled).ToList();
        var stray = traces.Where(first => !IsRequest(first) && !IsNamedWork(first)).ToList();
        Assert.True(stray.Count == 0,
            $"{stray.Count} of {traces.Count} traces begin with something other than a request or a named unit of work:\n{Summarise(stray)}");
        var probes = traces.Where(IsHealthProbe).ToList();
        Assert.True(probes.Count == 0, $"{probes.Count} traces are health probes:\n{Summarise(probes)}");
    }

    [Fact]
    public async Task An_idle_application_records_no_trace()
    {
        // Idle: nothing queued or being sent, nothing due soon. Earlier tests' retries and outages play out first.
        await Eventually.HoldsAsync(async () => await WorkDueWithinAsync(Duration.FromSeconds(30)) == 0,
            TimeSpan.FromSeconds(90), () => "the application never became idle");

        // Schedulers claim at least every 5 s while nothing is due and recover leases every second here, and every service
        // answers health probes every few seconds: dozens of polls and probes in the window, any of which would be a trace
        // if it left one.
        var from = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(10));
        var until = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3)); // a span reaches the receiver within a second or two of ending

        var begun = Telemetry.TraceStarts().Where(first => first.Start >= from && first.Start < until).ToList();
        Assert.True(begun.Count == 0, $"{begun.Count} traces began while the application was idle:\n{Summarise(begun)}");
    }

    private async Task<long> WorkDueWithinAsync(Duration window)
    {
        var soon = await _time.NowAsync() + window;
        await using var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM messages WHERE status IN ('Enqueued', 'Sending') OR (status = 'Pending' AND GREATEST(due_at, next_attempt_at) <= @soon)",
            connection);
        command.Parameters.AddWithValue("soon", soon.ToDateTimeUtc());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static bool IsVendorCall(ReceivedSpan span) =>
        Service(span) == "email-simulator" && span.Kind == SpanKind.Server && span.Attributes.GetValueOrDefault("url.path") == "/send-email";

    /// <summary>A request some client made to a service: what a person opens the Traces page for.</summary>
    private static bool IsRequest(ReceivedSpan span) => span.Kind == SpanKind.Server && span.Scope == "Microsoft.AspNetCore";

    /// <summary>Background work of the Birthday services that did something, named for it ("dispatch 20 due messages").</summary>
    private static bool IsNamedWork(ReceivedSpan span) => span.Scope.StartsWith("Birthday.", StringComparison.Ordinal);

    private static bool IsHealthProbe(ReceivedSpan span) =>
        span.Attributes.GetValueOrDefault("url.path") is "/health" or "/alive";

    /// <summary>The span and its ancestors within its trace, root first; stops where a parent has not (yet) arrived.</summary>
    private List<ReceivedSpan> PathToRoot(string traceId, ReceivedSpan? span)
    {
        var trace = Telemetry.Trace(traceId).ToDictionary(s => s.SpanId);
        var path = new List<ReceivedSpan>();
        for (var current = span; current is not null; current = current.ParentSpanId is { } parent ? trace.GetValueOrDefault(parent) : null)
        {
            path.Insert(0, current);
        }

        return path;
    }

    /// <summary>A span as the dashboard lists it: the resource without its instance number, the kind, the name.</summary>
    private static string Shape(ReceivedSpan span) => $"{Service(span)} {span.Kind} {span.Name}";

    private static string Service(ReceivedSpan span) =>
        span.Service.StartsWith("api-", StringComparison.Ordinal) ? "api" : span.Service;

    private static string Describe(IEnumerable<ReceivedSpan> spans) => string.Join('\n', spans.Select(span => span.ToString()));

    /// <summary>Traces grouped by their first span; "parent missing" where that span's parent was never exported.</summary>
    private static string Summarise(IEnumerable<ReceivedSpan> firstSpans) => string.Join('\n', firstSpans
        .GroupBy(first => $"{Service(first)} {first.Kind} '{first.Name}' ({first.Scope}){(first.IsRoot ? "" : ", parent missing")}")
        .OrderByDescending(group => group.Count())
        .Select(group => $"{group.Count(),6} × {group.Key}"));
}
