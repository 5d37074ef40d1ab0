using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Birthday.Tests.Integration;

/// <summary>The email simulator's inspection and admin endpoints: what the vendor received, and its bad days on demand.</summary>
internal sealed class EmailSimulatorClient(HttpClient http)
{
    public async Task<IReadOnlyList<JsonElement>> SentToAsync(string email)
    {
        var sent = await http.GetFromJsonAsync<JsonElement>($"/sent?email={Uri.EscapeDataString(email)}&limit=1000");
        return [.. sent.EnumerateArray()];
    }

    public Task<JsonElement> StatsAsync() => http.GetFromJsonAsync<JsonElement>("/stats");

    public async Task<long> DuplicateDeliveriesAsync() => (await StatsAsync()).GetProperty("duplicateDeliveries").GetInt64();

    /// <summary>Replaces every failure mode; anything not given is off (not the simulator's own 10 % default).</summary>
    public async Task SetFailureModesAsync(double errorRate = 0, double hangRate = 0, double lostAnswerRate = 0, int latencyMaxMs = 0)
    {
        var body = new JsonObject
        {
            ["errorRate"] = errorRate,
            ["hangRate"] = hangRate,
            ["lostAnswerRate"] = lostAnswerRate,
            ["latencyMinMs"] = 0,
            ["latencyMaxMs"] = latencyMaxMs,
            ["latencyP99Ms"] = 0,
            ["rateLimitPerSecond"] = 0,
            ["permanentErrorEmailSuffix"] = "@bounce.test",
        };
        using var response = await http.PutAsJsonAsync("/admin/failure-modes", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every send is answered 503 with Retry-After for this long; zero ends the outage.</summary>
    public async Task OutageAsync(TimeSpan duration)
    {
        using var response = await http.PostAsJsonAsync("/admin/outage", new { seconds = (int)duration.TotalSeconds });
        response.EnsureSuccessStatusCode();
    }

    public async Task ThrottleAsync(int requests, int retryAfterSeconds)
    {
        using var response = await http.PostAsJsonAsync("/admin/throttle", new { requests, retryAfterSeconds });
        response.EnsureSuccessStatusCode();
    }
}
