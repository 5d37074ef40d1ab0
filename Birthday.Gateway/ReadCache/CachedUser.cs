namespace Birthday.Gateway.ReadCache;

/// <summary>One api answer to <c>GET /api/v1/users/{id}</c> as the gateway keeps it: the body as sent, and when it was kept.</summary>
public sealed record CachedUser(byte[] Body, string ContentType, long StoredAt);
