using System.Globalization;
using Google.Protobuf;

namespace Birthday.Tests.Telemetry;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> (protobuf, opentelemetry-proto's trace/v1) into spans. Only the fields a
/// trace tree needs are read, by their field numbers in the published .proto files; everything else is skipped, so a
/// newer exporter's extra fields do no harm.
/// </summary>
public static class OtlpTraceDecoder
{
    /// <summary>
    /// The span attributes kept: what tests and benchmarks look at. A whole test run exports some hundred thousand
    /// spans, and keeping every attribute of each would cost the test process hundreds of megabytes.
    /// </summary>
    private static readonly HashSet<string> KeptAttributes = new(StringComparer.Ordinal)
    {
        "db.system", "db.system.name", "http.route", "url.path", "http.request.method", "server.address",
        "messaging.destination.name", "birthday.message_id", "birthday.user_id", "birthday.message_count",
    };

    public static IReadOnlyList<ReceivedSpan> Decode(byte[] request)
    {
        var spans = new List<ReceivedSpan>();
        ForEachField(request, (field, input) =>
        {
            if (field == 1) // ExportTraceServiceRequest.resource_spans
            {
                ReadResourceSpans(input.ReadBytes(), spans);
                return true;
            }

            return false;
        });
        return spans;
    }

    private static void ReadResourceSpans(ByteString resourceSpans, List<ReceivedSpan> spans)
    {
        var service = "";
        var scopeSpans = new List<ByteString>();
        ForEachField(resourceSpans, (field, input) =>
        {
            switch (field)
            {
                case 1: // ResourceSpans.resource
                    ForEachField(input.ReadBytes(), (resourceField, resource) =>
                    {
                        if (resourceField != 1) // Resource.attributes
                        {
                            return false;
                        }

                        var (key, value) = ReadKeyValue(resource.ReadBytes());
                        if (key == "service.name")
                        {
                            service = value;
                        }

                        return true;
                    });
                    return true;
                case 2: // ResourceSpans.scope_spans
                    scopeSpans.Add(input.ReadBytes());
                    return true;
                default:
                    return false;
            }
        });

        foreach (var scopeSpan in scopeSpans)
        {
            ReadScopeSpans(service, scopeSpan, spans);
        }
    }

    private static void ReadScopeSpans(string service, ByteString scopeSpans, List<ReceivedSpan> spans)
    {
        var scope = "";
        var encodedSpans = new List<ByteString>();
        ForEachField(scopeSpans, (field, input) =>
        {
            switch (field)
            {
                case 1: // ScopeSpans.scope → InstrumentationScope.name (1)
                    ForEachField(input.ReadBytes(), (scopeField, scopeInput) =>
                    {
                        if (scopeField != 1)
                        {
                            return false;
                        }

                        scope = scopeInput.ReadString();
                        return true;
                    });
                    return true;
                case 2: // ScopeSpans.spans
                    encodedSpans.Add(input.ReadBytes());
                    return true;
                default:
                    return false;
            }
        });

        spans.AddRange(encodedSpans.Select(span => ReadSpan(service, scope, span)));
    }

    private static ReceivedSpan ReadSpan(string service, string scope, ByteString span)
    {
        string traceId = "", spanId = "", name = "";
        string? parentSpanId = null;
        var kind = SpanKind.Unspecified;
        ulong startNanos = 0;
        var links = new List<SpanLink>();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        ForEachField(span, (field, input) =>
        {
            switch (field)
            {
                case 1: traceId = Hex(input.ReadBytes()); return true;
                case 2: spanId = Hex(input.ReadBytes()); return true;
                case 4:
                    var parent = input.ReadBytes();
                    parentSpanId = parent.IsEmpty ? null : Hex(parent);
                    return true;
                case 5: name = input.ReadString(); return true;
                case 6: kind = (SpanKind)input.ReadEnum(); return true;
                case 7: startNanos = input.ReadFixed64(); return true;
                case 9:
                    var (key, value) = ReadKeyValue(input.ReadBytes());
                    if (KeptAttributes.Contains(key))
                    {
                        attributes[key] = value;
                    }

                    return true;
                case 13: links.Add(ReadLink(input.ReadBytes())); return true;
                default: return false;
            }
        });

        var start = DateTimeOffset.UnixEpoch.AddTicks((long)(startNanos / 100));
        return new ReceivedSpan(service, scope, traceId, spanId, parentSpanId, name, kind, start, links, attributes);
    }

    private static SpanLink ReadLink(ByteString link)
    {
        string traceId = "", spanId = "";
        ForEachField(link, (field, input) =>
        {
            switch (field)
            {
                case 1: traceId = Hex(input.ReadBytes()); return true;
                case 2: spanId = Hex(input.ReadBytes()); return true;
                default: return false;
            }
        });
        return new SpanLink(traceId, spanId);
    }

    /// <summary>A KeyValue with its AnyValue as text (string, bool, int and double values; others as their kind's name).</summary>
    private static (string Key, string Value) ReadKeyValue(ByteString keyValue)
    {
        string key = "", value = "";
        ForEachField(keyValue, (field, input) =>
        {
            switch (field)
            {
                case 1: key = input.ReadString(); return true;
                case 2: value = ReadAnyValue(input.ReadBytes()); return true;
                default: return false;
            }
        });
        return (key, value);
    }

    private static string ReadAnyValue(ByteString anyValue)
    {
        var value = "";
        ForEachField(anyValue, (field, input) =>
        {
            switch (field)
            {
                case 1: value = input.ReadString(); return true;
                case 2: value = input.ReadBool() ? "true" : "false"; return true;
                case 3: value = input.ReadInt64().ToString(CultureInfo.InvariantCulture); return true;
                case 4: value = input.ReadDouble().ToString(CultureInfo.InvariantCulture); return true;
                default: return false;
            }
        });
        return value;
    }

    /// <summary>Calls <paramref name="read"/> for each field of a message; a field it does not read (returns false) is skipped.</summary>
    private static void ForEachField(ByteString message, Func<int, CodedInputStream, bool> read) => ForEachField(message.ToByteArray(), read);

    private static void ForEachField(byte[] message, Func<int, CodedInputStream, bool> read)
    {
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!read(WireFormat.GetTagFieldNumber(tag), input))
            {
                input.SkipLastField();
            }
        }
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
