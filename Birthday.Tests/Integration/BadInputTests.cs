using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Birthday.Tests.BadInput;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>
/// The bad-input corpus through the gateway, as a client would send it, against the whole application: every answer a
/// 4xx problem, nothing stored. The fixture runs the api in the AppHost's environment, Development (the testing builder's
/// default, as run.sh); the same corpus runs in-process in Production (BadInput/UsersApiBadInputTests).
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class BadInputTests(BirthdayApplication application, ITestOutputHelper output) : IDisposable
{
    private readonly HttpClient _http = application.CreateGatewayClient();
    private UsersApiClient Api => new(_http);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Every_malformed_request_through_the_gateway_is_a_4xx_problem_and_stores_nothing()
    {
        var environment = application.App.Services.GetRequiredService<IHostEnvironment>().EnvironmentName;
        output.WriteLine($"the api instances run in {environment}");
        var id = (await Api.CreateAsync(NewUser())).GetProperty("id").GetString()!;
        var path = $"/api/v1/users/{id}";
        var before = await ReadRawAsync(path);
        var run = Guid.NewGuid().ToString("N")[..12];
        var sequence = 0;
        var cases = BadInputCorpus.All(() => $"bad-input-{run}-{Interlocked.Increment(ref sequence)}@example.com", path).ToList();

        // 200 a second stays inside the fixture's write limit (500/s) and, with some 80 reads in all, the read burst (200).
        var failures = await CorpusRunner.RunAsync(_http, cases, concurrency: 8, perSecond: 200);

        output.WriteLine($"{cases.Count} malformed requests, {failures.Count} answered wrongly");
        Assert.True(failures.Count == 0, CorpusRunner.Describe(failures, cases.Count));
        Assert.Equal(before, await ReadRawAsync(path));
        Assert.Equal(0, await CountUsersAsync($"bad-input-{run}-%"));
        Assert.Equal("Development", environment);
    }

    public static TheoryData<string, string> OddButValid() => new()
    {
        { "firstName", "😀 Zoë" },
        { "firstName", "Zoe\u0308" },
        { "firstName", "👩‍👩‍👧‍👦" },
        { "firstName", string.Concat(Enumerable.Repeat("😀", 100)) },
        { "lastName", "O'Brien-Ñúñez" },
        { "lastName", "d'Artagnan \"the\" 3rd" },
        { "lastName", new string('x', 100) },
        { "lastName", "\u202Eevil\u202C" },
        { "lastName", "<script>alert(1)</script>" },
        { "locationCity", "القاهرة" },
        { "locationCountry", "ישראל" },
        { "locationCity", "Robert'); DROP TABLE users;--" },
        { "locationCity", "\u00A0Ἀθῆναι\u00A0" },
        { "email", "o'brien+tag@example.com" },
    };

    [Theory]
    [MemberData(nameof(OddButValid))]
    public async Task A_valid_but_odd_value_is_stored_and_read_back_byte_for_byte(string field, string value)
    {
        string Unique() => field == "email" ? value.Replace("@", $"-{Guid.NewGuid():N}@", StringComparison.Ordinal) : value;
        var created = NewUser();
        created[field] = Unique();
        var sentOnCreate = (string)created[field]!;
        var sentOnUpdate = Unique();

        var createdId = (await Api.CreateAsync(created)).GetProperty("id").GetString()!;
        var updatedId = (await Api.CreateAsync(NewUser())).GetProperty("id").GetString()!;
        await Api.UpdateAsync(updatedId, new JsonObject { [field] = sentOnUpdate });
        var afterCreate = (await Api.UserAsync(createdId)).GetProperty(field).GetString()!;
        var afterUpdate = (await Api.UserAsync(updatedId)).GetProperty(field).GetString()!;

        // Surrounding whitespace is trimmed by rule (a name is not " Ada "); everything else comes back as sent.
        Assert.Equal(Encoding.UTF8.GetBytes(sentOnCreate.Trim()), Encoding.UTF8.GetBytes(afterCreate));
        Assert.Equal(Encoding.UTF8.GetBytes(sentOnUpdate.Trim()), Encoding.UTF8.GetBytes(afterUpdate));
    }

    private async Task<string> ReadRawAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    private async Task<long> CountUsersAsync(string emailPattern)
    {
        await using var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM users WHERE email LIKE @pattern", connection);
        count.Parameters.AddWithValue("pattern", emailPattern);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
