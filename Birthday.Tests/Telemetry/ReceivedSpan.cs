namespace Birthday.Tests.Telemetry;

/// <summary>
/// One span as a service exported it over OTLP: what a trace viewer (the dashboard) builds its trees from. Ids are
/// lowercase hex; <see cref="ParentSpanId"/> is null for a root, the first span of a trace in the dashboard's list.
/// </summary>
public sealed record ReceivedSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKind Kind,
    DateTimeOffset Start,
    IReadOnlyList<SpanLink> Links,
    IReadOnlyDictionary<string, string> Attributes)
{
    public bool IsRoot => ParentSpanId is null;

    public override string ToString() => $"{Service}: {Kind} '{Name}' ({Scope}) {TraceId}/{SpanId} parent {ParentSpanId ?? "none"}";
}

/// <summary>A link from a span to a span of another trace (or another place in its own).</summary>
public sealed record SpanLink(string TraceId, string SpanId);

/// <summary>OTLP's span kinds, with OTLP's numbers.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
