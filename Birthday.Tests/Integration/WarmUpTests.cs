using System.Text.Json;
using Npgsql;

namespace Birthday.Tests.Integration;

/// <summary>
/// A fresh api instance or worker runs its hot paths once before it reports ready (a cold one answered its first burst many
/// times slower), with requests and statements that must change nothing a user could see.
/// </summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class WarmUpTests(BirthdayApplication application)
{
    [Fact]
    public async Task Every_api_instance_and_the_workers_report_their_warm_up_done_in_their_health()
    {
        foreach (var service in application.ApiInstances.Append("worker"))
        {
            // Only the warm-up's own entry counts: another check may be failing for its own reasons (a vendor outage left
            // a worker's circuit open, say), which makes the whole answer a 503 with the same report.
            using var http = application.App.CreateHttpClient(service);
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            using var health = JsonDocument.Parse(body);

            Assert.True(health.RootElement.GetProperty("checks").TryGetProperty("warm-up", out var warmUp), $"{service} has no warm-up check: {body}");
            Assert.True(warmUp.GetProperty("status").GetString() == "Healthy", $"{service} is not warmed up: {body}");
        }
    }

    [Fact]
    public async Task The_warm_ups_leave_no_user_and_no_message_behind()
    {
        await using var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM users WHERE email LIKE 'warm-up%@example.invalid')
                 + (SELECT count(*) FROM messages WHERE email LIKE 'warm-up%@example.invalid' OR idempotency_key = 'warm-up')
            """, connection);

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }
}
