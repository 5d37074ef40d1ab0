using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>The gateway as the outside world meets it: the only door, balanced, limited, and saying nothing it should not.</summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class GatewayTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _http = application.CreateGatewayClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Requests_are_spread_over_every_api_instance()
    {
        var id = (await new UsersApiClient(_http).CreateAsync(NewUser())).GetProperty("id").GetString()!;

        var servedBy = await ServedByAsync($"/api/v1/users/{id}", 60);

        Assert.Equal(application.ApiInstances, servedBy.Keys.Order());
    }

    [Fact]
    public async Task A_killed_api_instance_leaves_the_rotation_within_seconds_and_returns_after_restart()
    {
        var id = (await new UsersApiClient(_http).CreateAsync(NewUser())).GetProperty("id").GetString()!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        await application.KillResourceAsync("api-2", timeout.Token);
        try
        {
            // From the moment it dies no client notices: a GET that meets the dead instance is sent to another one.
            var rightAfterTheKill = await ServedByAsync($"/api/v1/users/{id}", 40);
            Assert.Equal(40, rightAfterTheKill.Values.Sum());
            Assert.DoesNotContain("api-2", rightAfterTheKill.Keys);

            // Active checks every 2 s take it out of rotation after 2 failures.
            await Eventually.HoldsAsync(
                async () => (await GatewayHealthAsync()).Contains(
                    $"{application.ApiInstances.Count - 1} of {application.ApiInstances.Count} api instances healthy", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), () => "the gateway still counts the killed instance as healthy");
        }
        finally
        {
            await application.StartResourceAsync("api-2", timeout.Token);
        }

        var after = new Dictionary<string, int>();
        await Eventually.HoldsAsync(
            async () => (after = await ServedByAsync($"/api/v1/users/{id}", 40)).ContainsKey("api-2"),
            TimeSpan.FromSeconds(30), () => $"api-2 serves nothing after its restart: {string.Join(", ", after)}");
        Assert.Contains("api-2", after.Keys);
    }

    [Theory]
    [InlineData("/alive")]
    [InlineData("/admin/v1/messages/summary")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    [InlineData("/metrics")]
    [InlineData("/internal/status")]
    [InlineData("/api/v1/users/../../alive")]
    [InlineData("/api/v1/users/%2e%2e/%2e%2e/alive")]
    [InlineData("/api/v1/users%2F..%2F..%2Falive")]
    [InlineData("/api/v1/users/..%2F..%2Fadmin/v1/messages/summary")]
    [InlineData("/API/V1/../../ADMIN/v1/messages/summary")]
    [InlineData("/api/v1/users/x./")]
    [InlineData("//alive")]
    [InlineData("/api//v1/users")]
    [InlineData("/api/v2/users")]
    public async Task Internal_paths_and_their_disguises_are_404_from_outside(string path)
    {
        // Concatenated, not resolved: "//alive" must stay a path, not become a host.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_http.BaseAddress!.GetLeftPart(UriPartial.Authority) + path));
        using var response = await _http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_burst_above_the_read_limit_gets_429_with_Retry_After_and_a_problem_body()
    {
        var id = (await new UsersApiClient(_http).CreateAsync(NewUser())).GetProperty("id").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the bucket fill

        var below = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _http.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative))));
        Assert.All(below, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var burst = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => _http.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative))));
        var refused = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.NotNull(refused[0].Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        var problem = await refused[0].Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("rate_limited", (string?)problem!["code"]);
        foreach (var response in below.Concat(burst))
        {
            response.Dispose();
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // leave the bucket full for the next test
    }

    [Fact]
    public async Task Security_headers_are_on_success_and_error_answers_and_there_is_no_Server_header()
    {
        using var ok = await _http.GetAsync(new Uri("/health", UriKind.Relative));
        using var notFound = await _http.GetAsync(new Uri("/api/v1/users/not-a-user", UriKind.Relative));
        using var nowhere = await _http.GetAsync(new Uri("/nowhere", UriKind.Relative));

        foreach (var response in new[] { ok, notFound, nowhere })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Server"), "the Server header gives away what runs here");
        }
    }

    [Fact]
    public async Task An_oversized_body_gets_413_without_reaching_the_api()
    {
        var email = UniqueEmail("huge");
        var body = NewUser(email: email);
        body["padding"] = new string('x', 200 * 1024);

        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri("/api/v1/users", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Served-By"), "the api answered: the body reached it");
    }

    [Fact]
    public async Task X_Request_ID_reaches_the_api_and_comes_back_and_one_is_made_when_missing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/users?limit=1", UriKind.Relative));
        request.Headers.Add("X-Request-ID", "support-ticket-4711");
        using var response = await _http.SendAsync(request);
        using var anonymous = await _http.GetAsync(new Uri("/api/v1/users?limit=1", UriKind.Relative));

        Assert.Equal("support-ticket-4711", response.Headers.GetValues("X-Request-ID").Single());
        Assert.True(response.Headers.Contains("X-Served-By"), "the answer should come from an api instance, which echoes the id");
        Assert.Matches("^[0-9a-f]{32}$", anonymous.Headers.GetValues("X-Request-ID").Single());
    }

    private async Task<string> GatewayHealthAsync()
    {
        using var response = await _http.GetAsync(new Uri("/health", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Which instances answered, sending in waves of ten at once: least-requests balancing spreads concurrent load. Each
    /// read asks for a fresh answer, so the gateway forwards it instead of answering from its read cache.
    /// </summary>
    private async Task<Dictionary<string, int>> ServedByAsync(string path, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var sent = 0; sent < requests; sent += 10)
        {
            var wave = await Task.WhenAll(Enumerable.Range(0, Math.Min(10, requests - sent)).Select(async _ =>
            {
                using var request = FreshGet(path);
                return await _http.SendAsync(request);
            }));
            foreach (var response in wave)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var instance = response.Headers.GetValues("X-Served-By").Single();
                counts[instance] = counts.GetValueOrDefault(instance) + 1;
                response.Dispose();
            }
        }

        return counts;
    }
}
