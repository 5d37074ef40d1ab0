using System.Net;
using System.Text.Json.Nodes;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

[Collection(BirthdayApplicationGroup.Name)]
public sealed class UsersApiTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _http = application.CreateGatewayClient();
    private UsersApiClient Api => new(_http);

    public void Dispose() => _http.Dispose();

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task Created_user_is_returned_with_a_location_and_read_back_at_once()
    {
        var body = NewUser(timezone: "America/Argentina/Buenos_Aires", anniversary: "2015-03-01");
        body["firstName"] = "  Zoë  ";
        body["lastName"] = "Ångström-李";
        body["locationCity"] = "Buenos Aires";

        using var response = await Api.PostAsync(body);
        var created = await ExpectAsync(response, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        Assert.Equal($"/api/v1/users/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Zoë", created.GetProperty("firstName").GetString());
        var read = await Api.UserAsync(id);
        Assert.Equal("Ångström-李", read.GetProperty("lastName").GetString());
        Assert.Equal("America/Argentina/Buenos_Aires", read.GetProperty("timezone").GetString());
        Assert.Equal("1990-05-17", read.GetProperty("birthdayDate").GetString());
        Assert.Equal("2015-03-01", read.GetProperty("anniversaryDate").GetString());
        Assert.Equal("Buenos Aires", read.GetProperty("locationCity").GetString());
    }

    [Fact]
    public async Task An_update_is_read_back_at_once_and_null_clears_an_optional_field()
    {
        var created = await Api.CreateAsync(NewUser(anniversary: "2012-01-09"));
        var id = created.GetProperty("id").GetString()!;

        await Api.UpdateAsync(id, new JsonObject { ["lastName"] = "King", ["anniversaryDate"] = null });
        var read = await Api.UserAsync(id);

        Assert.Equal("King", read.GetProperty("lastName").GetString());
        Assert.Equal("Ada", read.GetProperty("firstName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("anniversaryDate").ValueKind);
        Assert.Equal("1990-05-17", read.GetProperty("birthdayDate").GetString());
    }

    [Fact]
    public async Task A_users_timestamps_read_the_same_from_the_write_the_cache_and_the_database()
    {
        var created = await Api.CreateAsync(NewUser());
        var id = created.GetProperty("id").GetString()!;

        // The update's answer is built from the row locked in the database; the create's answer is what the cache keeps.
        var updated = await Api.UpdateAsync(id, new JsonObject { ["lastName"] = "Byron" });

        Assert.Equal(created.GetProperty("createdAt").GetString(), updated.GetProperty("createdAt").GetString());
        Assert.Equal(created.GetProperty("createdAt").GetString(), (await Api.UserAsync(id)).GetProperty("createdAt").GetString());
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/GMT+12")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Pacific/Chatham")]
    [InlineData("Asia/Kathmandu")]
    public async Task Every_tzdb_zone_is_accepted(string zone)
    {
        var created = await Api.CreateAsync(NewUser(timezone: zone));

        Assert.Equal(zone, created.GetProperty("timezone").GetString());
    }

    [Theory]
    [InlineData("EST5")]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("utc")]
    [InlineData("UTC+01:00")]
    public async Task A_time_zone_that_is_not_a_tzdb_id_is_refused_with_the_field_named(string zone)
    {
        using var response = await Api.PostAsync(NewUser(timezone: zone));

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("timezone", out _), problem.ToString());
    }

    [Theory]
    [InlineData("birthdayDate", "1900-02-29")]
    [InlineData("birthdayDate", "1990-13-01")]
    [InlineData("birthdayDate", "17/05/1990")]
    [InlineData("birthdayDate", "2999-01-01")]
    [InlineData("birthdayDate", 19900517)]
    [InlineData("firstName", "")]
    [InlineData("firstName", "   ")]
    [InlineData("firstName", 42)]
    [InlineData("lastName", null)]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "a@b")]
    [InlineData("anniversaryDate", "1980-01-01")]
    public async Task A_bad_field_is_refused_with_its_name_and_a_reason(string field, object? value)
    {
        var body = NewUser();
        body[field] = value switch
        {
            null => null,
            int number => JsonValue.Create(number),
            string text => JsonValue.Create(text),
            _ => throw new ArgumentOutOfRangeException(nameof(value)),
        };

        using var response = await Api.PostAsync(body);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons) && reasons.GetArrayLength() > 0, problem.ToString());
    }

    [Fact]
    public async Task Names_longer_than_100_characters_and_emails_longer_than_255_are_refused()
    {
        var body = NewUser(email: new string('a', 250) + "@example.com");
        body["firstName"] = new string('é', 101);

        using var response = await Api.PostAsync(body);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("firstName", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_not_a_crash()
    {
        using var response = await Api.PostRawAsync("{\"firstName\": \"Ada\",");

        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_unsupported()
    {
        using var response = await Api.PostRawAsync("firstName=Ada", "application/x-www-form-urlencoded");

        await ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var body = NewUser();
        body["padding"] = new string('x', 64 * 1024);

        using var response = await Api.PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Unknown_ids_are_404_problems(string id)
    {
        using var get = await Api.GetAsync($"/api/v1/users/{id}");
        await ExpectProblemAsync(get, HttpStatusCode.NotFound, "user_not_found");

        using var put = await Api.PutAsync(id, new JsonObject { ["firstName"] = "X" });
        await ExpectProblemAsync(put, HttpStatusCode.NotFound, "user_not_found");

        using var delete = await Api.DeleteAsync(id);
        await ExpectProblemAsync(delete, HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task A_duplicate_active_email_is_409_whatever_its_case()
    {
        var email = UniqueEmail("dup");
        await Api.CreateAsync(NewUser(email: email));

        using var response = await Api.PostAsync(NewUser(email: email.ToUpperInvariant()));

        await ExpectProblemAsync(response, HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task Of_concurrent_creates_with_one_email_exactly_one_wins()
    {
        var email = UniqueEmail("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Api.PostAsync(NewUser(email: email))));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(11, statuses.Count(s => s == HttpStatusCode.Conflict));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Delete_is_soft_a_second_delete_is_404_and_the_email_is_free_again()
    {
        var email = UniqueEmail("gone");
        var id = (await Api.CreateAsync(NewUser(email: email))).GetProperty("id").GetString()!;

        using var first = await Api.DeleteAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        using var get = await Api.GetAsync($"/api/v1/users/{id}");
        await ExpectProblemAsync(get, HttpStatusCode.NotFound, "user_not_found");
        using var second = await Api.DeleteAsync(id);
        await ExpectProblemAsync(second, HttpStatusCode.NotFound, "user_not_found");

        await Api.CreateAsync(NewUser(email: email));
    }

    [Fact]
    public async Task Users_are_listed_in_bounded_pages_with_a_cursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await Api.CreateAsync(NewUser());
        }

        using var first = await Api.GetAsync("/api/v1/users?limit=2");
        var page = await ExpectAsync(first, HttpStatusCode.OK);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var cursor = page.GetProperty("nextCursor").GetString();
        Assert.False(string.IsNullOrEmpty(cursor));

        using var next = await Api.GetAsync($"/api/v1/users?limit=2&after={cursor}");
        var nextPage = await ExpectAsync(next, HttpStatusCode.OK);
        Assert.NotEqual(page.GetProperty("items")[0].GetProperty("id").GetString(), nextPage.GetProperty("items")[0].GetProperty("id").GetString());

        using var tooMany = await Api.GetAsync("/api/v1/users?limit=5000");
        await ExpectProblemAsync(tooMany, HttpStatusCode.BadRequest, "validation_failed");
    }
}
