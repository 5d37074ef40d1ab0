using System.Text.Json;

namespace Birthday.Core.Messaging;

/// <summary>
/// What travels on the deliveries queue: only the row's id. The row holds the text, the address and the state;
/// a queue message can be duplicated or stale without harm because the worker starts with a compare-and-set on the row.
/// </summary>
public sealed record DeliveryRequest(Guid MessageId)
{
    public const string ContentType = "application/json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ReadOnlyMemory<byte> Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Null when the body is not a delivery request: such a message goes straight to the dead-letter queue.</summary>
    public static DeliveryRequest? TryParse(ReadOnlySpan<byte> body)
    {
        try
        {
            var request = JsonSerializer.Deserialize<DeliveryRequest>(body, Json);
            return request is { MessageId: var id } && id != Guid.Empty ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
