using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Birthday.EmailSimulator.Endpoints;

/// <summary>The body of <c>POST /admin/outage</c>: how long every send is refused with 503, from now; 0 ends an outage.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutageRequest
{
    [Required]
    [Range(0, 86_400)]
    public int? Seconds { get; init; }
}
