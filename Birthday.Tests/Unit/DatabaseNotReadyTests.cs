using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Birthday.Tests.Unit;

/// <summary>What a starting service waits out (the database is not there yet) and what it lets crash it (a fault).</summary>
public sealed class DatabaseNotReadyTests
{
    private static readonly Exception[] NotReadyCases =
    [
        new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)),
        new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow),
        new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        new RetryLimitExceededException("The maximum number of retries (6) was exceeded.", new NpgsqlException("refused")),
        // EF's non-retrying strategy (the replica's) around a transient failure.
        new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new NpgsqlException("refused")),
        new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new TimeoutException()),
    ];

    private static readonly Exception[] FaultCases =
    [
        new InvalidOperationException("The configured execution strategy 'NpgsqlRetryingExecutionStrategy' does not support user-initiated transactions."),
        new InvalidOperationException("No database provider has been configured for this DbContext."),
        new InvalidOperationException("Sequence contains more than one element", new ArgumentException("inner")),
        new ArgumentNullException("connectionString"),
        new FormatException("Input string was not in a correct format."),
    ];

    // Indexes, not the exceptions themselves: xunit lists a theory's cases only when their data can be serialised.
    public static TheoryData<int> NotReady() => [.. Enumerable.Range(0, NotReadyCases.Length)];

    public static TheoryData<int> Faults() => [.. Enumerable.Range(0, FaultCases.Length)];

    [Theory]
    [MemberData(nameof(NotReady))]
    public void A_database_that_is_not_there_yet_is_waited_out(int index) =>
        Assert.True(DatabaseNotReady.Matches(NotReadyCases[index]), Describe(NotReadyCases[index]));

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_fault_of_the_code_or_its_settings_is_not(int index) =>
        Assert.False(DatabaseNotReady.Matches(FaultCases[index]), Describe(FaultCases[index]));

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}
