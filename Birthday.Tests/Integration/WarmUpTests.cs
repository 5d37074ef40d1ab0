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
            using var http = application.App.CreateHttpClient(service);
            var body = await http.GetStringAsync(new Uri("/health", UriKind.Relative));
            using var health = JsonDocument.Parse(body);

            Assert.True(health.RootElement.GetProperty("checks").TryGetProperty("warm-up", out var warmUp), $"{service} has no warm-up check: {body}");
            Assert.Equal("Healthy", warmUp.GetProperty("status").GetString());
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
