using System.Text.Json;

namespace Birthday.Core.Messaging;

/// <summary>
/// What travels on the deliveries queue: the ids of a few rows due together, nothing else. The rows hold the text, the
/// address, the state and the trace each was scheduled in; a queue message can be duplicated or stale without harm
/// because the worker starts with a compare-and-set on every row. Several ids per message: the broker replicates each
/// message to three nodes, and at thousands of rows a second that cost counts per message, not per row.
/// </summary>
public sealed record DeliveryRequest(IReadOnlyList<Guid> MessageIds)
{
    public const string ContentType = "application/json";

    /// <summary>More than this in one queue message is not something a scheduler wrote.</summary>
    public const int MaxMessageIds = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ReadOnlyMemory<byte> Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Null when the body is not a delivery request: such a message goes straight to the dead-letter queue.</summary>
    public static DeliveryRequest? TryParse(ReadOnlySpan<byte> body)
    {
        try
        {
            var request = JsonSerializer.Deserialize<DeliveryRequest>(body, Json);
            if (request?.MessageIds is null && JsonSerializer.Deserialize<SingleRowRequest>(body, Json)?.MessageId is { } single)
            {
                request = new DeliveryRequest([single]);
            }

            return request?.MessageIds is { Count: > 0 and <= MaxMessageIds } ids && !ids.Contains(Guid.Empty) ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The first format, one row per queue message: still on the queue (or sent by an older scheduler) during an upgrade.</summary>
    private sealed record SingleRowRequest(Guid? MessageId);
}
