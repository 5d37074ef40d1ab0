using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Birthday.Tests.BadInput;

/// <summary>
/// The whole corpus against the users API in this process, in Development (what run.sh and the integration tests run)
/// and in Production, with a database nobody listens on: a request that reached the store would be a 500.
/// </summary>
public sealed class UsersApiBadInputTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Every_malformed_request_is_a_4xx_problem_and_reaches_no_store(string environment)
    {
        await using var api = await ApiInProcess.StartAsync(environment);
        using var http = api.CreateClient();
        var cases = BadInputCorpus.All(() => $"in-process-{Guid.NewGuid():N}@example.com", $"{BadInputCorpus.UsersPath}/{Guid.CreateVersion7()}").ToList();

        var failures = await CorpusRunner.RunAsync(http, cases, concurrency: 16, perSecond: double.PositiveInfinity);

        Assert.True(cases.Count > 1500, $"the corpus shrank to {cases.Count} cases");
        Assert.True(failures.Count == 0, CorpusRunner.Describe(failures, cases.Count));
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task A_parameter_that_fails_to_bind_is_a_400_problem_in_every_environment(string environment)
    {
        // The users API reads its parameters itself; this is the net under any endpoint that binds them (in Development
        // a failed binding throws, and the exception handler would otherwise make it a 500).
        await using var api = await ApiInProcess.StartAsync(environment, app =>
        {
            app.MapGet("/probe", (int number) => TypedResults.Ok(number));
            app.MapPost("/probe", (ProbeBody body) => TypedResults.Ok(body));
        });
        using var http = api.CreateClient();

        using var notANumber = await http.GetAsync(new Uri("/probe?number=abc", UriKind.Relative));
        using var missing = await http.GetAsync(new Uri("/probe", UriKind.Relative));
        using var twice = await http.GetAsync(new Uri("/probe?number=1&number=2", UriKind.Relative));
        using var content = new StringContent("{\"name\": ", Encoding.UTF8, "application/json");
        using var notJson = await http.PostAsync(new Uri("/probe", UriKind.Relative), content);

        foreach (var response in new[] { notANumber, missing, twice, notJson })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{environment}: {response.RequestMessage!.RequestUri} answered {(int)response.StatusCode}: {body}");
            Assert.Null(ProblemAnswer.Check(response.Content.Headers.ContentType, 400, body, field: null));
        }
    }

    public sealed record ProbeBody(string Name);
}
