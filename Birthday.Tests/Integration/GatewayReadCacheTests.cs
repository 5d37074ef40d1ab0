using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// The gateway answers reads of unchanged users from its memory, and a changed user is never read stale: not by the client
/// that changed it, and not by anyone once the change was announced, wherever it came in.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class GatewayReadCacheTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _http = application.CreateGatewayClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_second_read_of_an_unchanged_user_is_answered_by_the_gateway_with_the_same_body()
    {
        var id = await CreateUserAsync("Ada");

        var (first, firstBody) = await ReadAsync(id);
        var (second, secondBody) = await ReadAsync(id);

        Assert.True(first.Contains("X-Served-By"), "the first read should reach an api instance");
        Assert.False(second.Contains("X-Served-By"), "the second read should be answered by the gateway");
        Assert.NotNull(second.Age);
        Assert.Equal(firstBody.GetRawText(), secondBody.GetRawText());
    }

    [Fact]
    public async Task A_client_reads_its_own_update_and_delete_at_once()
    {
        var users = new UsersApiClient(_http);
        var id = await CreateUserAsync("Ada");
        await ReadAsync(id);
        await ReadAsync(id);

        var changed = NewUser();
        changed["firstName"] = "Grace";
        await users.UpdateAsync(id, changed);
        var (_, afterUpdate) = await ReadAsync(id);
        Assert.Equal("Grace", afterUpdate.GetProperty("firstName").GetString());

        using var deleted = await users.DeleteAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var afterDelete = await _http.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative));
        Assert.True(afterDelete.StatusCode == HttpStatusCode.NotFound,
            $"a read right after the delete (by {ServedBy(deleted)}) answered {(int)afterDelete.StatusCode} (by {ServedBy(afterDelete)}) "
            + $"{await afterDelete.Content.ReadAsStringAsync()}\n{application.LogTail(ServedBy(afterDelete), 30)}");
    }

    [Fact]
    public async Task A_change_made_straight_at_an_api_instance_reaches_the_gateway_within_moments_not_its_time_to_live()
    {
        var id = await CreateUserAsync("Ada");
        await ReadAsync(id);
        var (cached, _) = await ReadAsync(id);
        Assert.NotNull(cached.Age);

        using var api = application.App.CreateHttpClient(application.ApiInstances[^1]);
        var changed = NewUser();
        changed["firstName"] = "Grace";
        using var put = await api.PutAsJsonAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative), changed);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // The answer would be kept for 10 s; the api's announcement drops it as soon as the gateway hears it.
        var name = "";
        await Eventually.HoldsAsync(
            async () => (name = (await ReadAsync(id)).Body.GetProperty("firstName").GetString()!) == "Grace",
            TimeSpan.FromSeconds(3), () => $"the gateway still answers with the old name ({name})");
    }

    [Fact]
    public async Task A_client_that_asks_for_a_fresh_answer_gets_one_from_an_api_instance()
    {
        var id = await CreateUserAsync("Ada");
        await ReadAsync(id);
        await ReadAsync(id);

        using var request = FreshGet($"/api/v1/users/{id}");
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Served-By"), "a no-cache read should reach an api instance");
    }

    private static string ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Served-By", out var instances) ? string.Join(",", instances) : "the gateway";

    private async Task<string> CreateUserAsync(string firstName)
    {
        var body = NewUser();
        body["firstName"] = firstName;
        return (await new UsersApiClient(_http).CreateAsync(body)).GetProperty("id").GetString()!;
    }

    private async Task<(System.Net.Http.Headers.HttpResponseHeaders Headers, JsonElement Body)> ReadAsync(string id)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative));
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        return (response.Headers, body);
    }
}
