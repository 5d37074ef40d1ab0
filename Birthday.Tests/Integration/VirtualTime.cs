using System.Net;
using System.Net.Http.Json;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace Birthday.Tests.Integration;

/// <summary>
/// The application's virtual clock, as the tests see and move it: every service adds the offset in the database's
/// virtual_clock row to its real clock, and follows changes within a fraction of a second.
/// </summary>
internal sealed class VirtualTime(BirthdayApplication application)
{
    /// <summary>How long a service takes at most to notice a moved clock.</summary>
    public static readonly TimeSpan FollowDelay = TimeSpan.FromMilliseconds(600);

    public async Task<Instant> NowAsync() => SystemClock.Instance.GetCurrentInstant() + await OffsetAsync();

    /// <summary>
    /// Moves the whole application to <paramref name="target"/> (if it is not already past it) through the api's
    /// <c>PUT /admin/v1/clock</c>, on the first instance that answers (a test may have stopped one), and waits until every
    /// service follows.
    /// </summary>
    public async Task AdvanceToAsync(Instant target)
    {
        HttpRequestException? unreachable = null;
        foreach (var api in application.ApiInstances)
        {
            using var http = application.App.CreateHttpClient(api);
            using var request = await application.CreateAdminRequestAsync(HttpMethod.Put, "/admin/v1/clock");
            request.Content = JsonContent.Create(new { now = InstantPattern.ExtendedIso.Format(target) });
            try
            {
                using var response = await http.SendAsync(request);
                // 409: the clock already reads later than the target, which is as far as the caller wanted it.
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict,
                    $"PUT /admin/v1/clock on {api} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(FollowDelay);
                return;
            }
            catch (HttpRequestException ex)
            {
                unreachable = ex;
            }
        }

        throw new InvalidOperationException("No api instance answered to move the virtual clock.", unreachable);
    }

    /// <summary>What the shared virtual clock adds to the real one: a real instant (the simulator's) plus this is virtual time.</summary>
    public async Task<Duration> OffsetAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT offset_ticks FROM virtual_clock WHERE id = 1", connection);
        return Duration.FromTicks((long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// Sets every instance of one service (an AppHost resource name: "worker", "scheduler", "api-1") apart from the shared
    /// virtual time by <paramref name="skew"/>, as a machine's clock can be; zero puts it back. Waits until it follows.
    /// </summary>
    public async Task SkewAsync(string service, Duration skew)
    {
        await using (var connection = await OpenAsync())
        {
            await using var command = new NpgsqlCommand(Core.Time.VirtualClockFollower.SetSkewSql, connection);
            command.Parameters.AddWithValue("service", service);
            command.Parameters.AddWithValue("ticks", skew.BclCompatibleTicks);
            await command.ExecuteNonQueryAsync();
        }

        await Task.Delay(FollowDelay);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await application.ConnectionStringAsync("birthday"));
        await connection.OpenAsync();
        return connection;
    }
}
