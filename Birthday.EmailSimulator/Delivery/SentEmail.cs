namespace Birthday.EmailSimulator.Delivery;

/// <summary>One delivery as <c>GET /sent</c> shows it; <see cref="DeliveredAt"/> is UTC (serialized with a Z).</summary>
public sealed record SentEmail(string MessageId, string Email, string Message, string? IdempotencyKey, DateTime DeliveredAt);
