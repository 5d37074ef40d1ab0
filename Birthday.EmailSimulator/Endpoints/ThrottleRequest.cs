using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Birthday.EmailSimulator.Endpoints;

/// <summary>The body of <c>POST /admin/throttle</c>: the next N sends get 429 with this Retry-After; 0 sends ends it.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ThrottleRequest
{
    [Required]
    [Range(0, int.MaxValue)]
    public int? Requests { get; init; }

    [Range(1, 86_400)]
    public int RetryAfterSeconds { get; init; } = 1;
}
