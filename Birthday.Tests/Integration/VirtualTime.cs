using NodaTime;
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

    /// <summary>Moves the whole application to <paramref name="target"/> (if it is not already past it) and waits until every service follows.</summary>
    public async Task AdvanceToAsync(Instant target)
    {
        var offset = target - SystemClock.Instance.GetCurrentInstant();
        await using (var connection = await OpenAsync())
        {
            await using var command = new NpgsqlCommand("UPDATE virtual_clock SET offset_ticks = GREATEST(offset_ticks, @ticks) WHERE id = 1", connection);
            command.Parameters.AddWithValue("ticks", offset.BclCompatibleTicks);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await Task.Delay(FollowDelay);
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
