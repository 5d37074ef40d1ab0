using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Birthday.Hosting.Infrastructure;

/// <summary>
/// Healthy when the server accepts a login and is in the role it should have (primary, or standby in recovery). Used
/// by host mode's servers, and by the container replica, which no Aspire integration checks.
/// </summary>
public sealed class PostgresHealthCheck(Func<CancellationToken, ValueTask<string?>> connectionString, bool expectStandby) : IHealthCheck
{
    public PostgresHealthCheck(string connectionString, bool expectStandby)
        : this(_ => ValueTask.FromResult<string?>(connectionString), expectStandby)
    {
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var target = await connectionString(cancellationToken) ?? throw new InvalidOperationException("no connection string yet");
            await using var connection = new NpgsqlConnection(target + ";Pooling=false;Timeout=3");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            var inRecovery = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            return inRecovery == expectStandby
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(expectStandby ? "the replica is not in recovery" : "the primary is in recovery");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }
}
