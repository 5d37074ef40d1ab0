using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Birthday.Tests.Integration;

/// <summary>The users API as a client sees it through the gateway, with the assertions every test repeats.</summary>
internal sealed class UsersApiClient(HttpClient http)
{
    public static string UniqueEmail(string tag = "user") => $"{tag}-{Guid.NewGuid():N}@example.com";

    public static JsonObject NewUser(string timezone = "Europe/London", string? birthday = "1990-05-17", string? anniversary = null, string? email = null) =>
        new()
        {
            ["firstName"] = "Ada",
            ["lastName"] = "Lovelace",
            ["email"] = email ?? UniqueEmail(),
            ["timezone"] = timezone,
            ["birthdayDate"] = birthday,
            ["anniversaryDate"] = anniversary,
        };

    public Task<HttpResponseMessage> PostAsync(JsonNode body) => SendAsync(HttpMethod.Post, "/api/v1/users", body.ToJsonString());

    public Task<HttpResponseMessage> PostRawAsync(string body, string contentType = "application/json") =>
        SendAsync(HttpMethod.Post, "/api/v1/users", body, contentType);

    public Task<HttpResponseMessage> PutAsync(string id, JsonNode body) => SendAsync(HttpMethod.Put, $"/api/v1/users/{id}", body.ToJsonString());

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>A GET that asks for a fresh answer (<c>Cache-Control: no-cache</c>): the gateway forwards it to an api instance.</summary>
    public static HttpRequestMessage FreshGet(string path) =>
        new(HttpMethod.Get, new Uri(path, UriKind.Relative)) { Headers = { CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true } } };

    public Task<HttpResponseMessage> DeleteAsync(string id) => http.DeleteAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative));

    public async Task<JsonElement> CreateAsync(JsonObject body)
    {
        using var response = await PostAsync(body);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> UpdateAsync(string id, JsonObject body)
    {
        using var response = await PutAsync(id, body);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> UserAsync(string id)
    {
        using var response = await GetAsync($"/api/v1/users/{id}");
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<IReadOnlyList<JsonElement>> MessagesAsync(string id)
    {
        using var response = await GetAsync($"/api/v1/users/{id}/messages");
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        return [.. body.EnumerateArray()];
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and code; returns it for more checks.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        return await http.SendAsync(request);
    }
}
