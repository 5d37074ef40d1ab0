namespace Birthday.EmailSimulator.Delivery;

/// <summary>
/// One delivery as <c>GET /sent</c> shows it; <see cref="DeliveredAt"/> is UTC (serialized with a Z). <see cref="TraceParent"/>
/// is the W3C <c>traceparent</c> header the send came with, so a test can follow one trace from the user's creation to here.
/// </summary>
public sealed record SentEmail(string MessageId, string Email, string Message, string? IdempotencyKey, DateTime DeliveredAt, string? TraceParent);
