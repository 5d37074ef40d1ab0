using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// The read replica and Redis make the API faster, not possible: without either it still serves every request, reads
/// its own writes, and once they are back serves nothing stale. (The fault matrix in ./scripts/bench.sh faults runs the
/// same outages in the middle of a delivery burst.)
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class DependencyOutageTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _gateway = application.CreateGatewayClient();

    private UsersApiClient Api => new(_gateway);

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task Without_the_replica_the_api_reads_from_the_primary_and_a_client_reads_its_own_writes()
    {
        var existing = await Api.CreateAsync(NewUser());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await application.StopResourceAsync("postgres-replica", timeout.Token);
        try
        {
            await AssertServesEverythingAsync(existing);
        }
        finally
        {
            await application.StartResourceAsync("postgres-replica", timeout.Token);
        }
    }

    [Fact]
    public async Task Without_Redis_the_api_serves_from_the_database_and_serves_nothing_stale_once_it_is_back()
    {
        var user = await Api.CreateAsync(NewUser());
        var id = Id(user);
        Assert.Equal("Ada", (await Api.UserAsync(id)).GetProperty("firstName").GetString()); // now cached in Redis

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await application.KillResourceAsync("cache", timeout.Token);
        try
        {
            await AssertServesEverythingAsync(user);
            await Api.UpdateAsync(id, new JsonObject { ["firstName"] = "Renamed" });
            Assert.Equal("Renamed", (await Api.UserAsync(id)).GetProperty("firstName").GetString());
        }
        finally
        {
            await application.StartResourceAsync("cache", timeout.Token);
        }

        // Redis kept the entry from before the outage (append-only file); the write made while it was away must win,
        // well before that entry's one-minute expiry.
        var fresh = TimeSpan.FromSeconds(20);
        await Eventually.HoldsAsync(async () => (await Api.UserAsync(id)).GetProperty("firstName").GetString() == "Renamed", fresh,
            () => $"the user renamed while Redis was down still reads as before {fresh} after Redis came back.\n{application.LogTail("api-1", 20)}");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("Renamed", (await Api.UserAsync(id)).GetProperty("firstName").GetString()); // whichever instance answers
        }

        // Until an instance has reconnected, what it writes cannot reach Redis, where the others read: leave none behind.
        await application.WaitUntilEveryApiInstanceReportsHealthyAsync("cache", timeout.Token);
    }

    /// <summary>Reads an existing user and a page of users, creates one and reads it back at once, updates it and reads that back.</summary>
    private async Task AssertServesEverythingAsync(JsonElement existing)
    {
        Assert.Equal(existing.GetProperty("email").GetString(), (await Api.UserAsync(Id(existing))).GetProperty("email").GetString());
        using (var page = await Api.GetAsync("/api/v1/users?limit=5"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var email = UniqueEmail("outage");
        var created = await Api.CreateAsync(NewUser(email: email));
        Assert.Equal(email, (await Api.UserAsync(Id(created))).GetProperty("email").GetString());
        await Api.UpdateAsync(Id(created), new JsonObject { ["lastName"] = "Changed" });
        Assert.Equal("Changed", (await Api.UserAsync(Id(created))).GetProperty("lastName").GetString());
    }

    private static string Id(JsonElement user) => user.GetProperty("id").GetString()!;
}
