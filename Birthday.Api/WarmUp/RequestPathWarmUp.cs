using System.Diagnostics;
using Birthday.Api.Users;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Birthday.Core.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Birthday.Api.WarmUp;

/// <summary>
/// Runs every request path once as soon as the server listens, before the instance reports ready. A fresh process
/// compiles each method on its first call, and EF Core, Npgsql, NodaTime and the endpoint delegates are a few thousand
/// of them: measured here, 50 creates sent right after start took about 4 s each, warm ones a tenth of a second. The
/// paths run through this instance's own HTTP endpoint with requests that change nothing (unknown ids, a refused
/// body), and a create and an update run in a transaction that is rolled back.
/// </summary>
public sealed class RequestPathWarmUp(
    IServer server,
    IHostApplicationLifetime lifetime,
    IServiceScopeFactory scopes,
    StackExchange.Redis.IConnectionMultiplexer redis,
    WarmUpState state,
    ILogger<RequestPathWarmUp> logger) : WarmUpService(lifetime, state, logger)
{
    /// <summary>Connections opened to each database at once, so a burst finds them in the pool rather than waiting on new ones.</summary>
    private const int Connections = 16;

    /// <summary>How long a start waits for Redis; past it the instance serves without (Degraded), as in an outage.</summary>
    private static readonly TimeSpan CacheWait = TimeSpan.FromSeconds(10);

    protected override string What => "every request path";

    protected override async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await CacheConnectedAsync(cancellationToken);
        await RequestsAsync(cancellationToken);
        await RolledBackWritesAsync(cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => OpenConnectionsAsync(cancellationToken)));
    }

    /// <summary>
    /// An instance whose Redis connection is still being made would take traffic with its writes reaching only the
    /// database, while the other instances answer from Redis with the state from before them: it waits (a moment, as a
    /// rule) until it can announce its writes.
    /// </summary>
    private async Task CacheConnectedAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!redis.IsConnected && waited.Elapsed < CacheWait)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task RequestsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = OwnAddress() };
        var unknown = Guid.CreateVersion7();
        var valid = new
        {
            firstName = "Warm",
            lastName = "Up",
            email = $"warm-up-{unknown:N}@example.invalid",
            timezone = "Europe/London",
            birthdayDate = "1990-05-17",
            anniversaryDate = "2015-03-02",
        };

        // Each answer is expected (404 or 400); only that the path ran matters.
        using var read = await http.GetAsync(new Uri($"/api/v1/users/{unknown}", UriKind.Relative), cancellationToken);
        using var list = await http.GetAsync(new Uri("/api/v1/users?limit=1", UriKind.Relative), cancellationToken);
        using var messages = await http.GetAsync(new Uri($"/api/v1/users/{unknown}/messages", UriKind.Relative), cancellationToken);
        using var refused = await http.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative), valid with { timezone = "Mars/Olympus_Mons" }, cancellationToken);
        using var update = await http.PutAsJsonAsync(new Uri($"/api/v1/users/{unknown}", UriKind.Relative), valid, cancellationToken);
        using var delete = await http.DeleteAsync(new Uri($"/api/v1/users/{unknown}", UriKind.Relative), cancellationToken);
    }

    /// <summary>
    /// A create, then a change of the last name and the birthday (one message's text rewritten, the other cancelled and
    /// replaced), in a transaction that is rolled back: every statement of <see cref="UserRows"/> runs once, the writes too
    /// that the requests above, on an unknown id, never reach.
    /// </summary>
    private async Task RolledBackWritesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BirthdayDbContext>();
        var planner = scope.ServiceProvider.GetRequiredService<MessagePlanner>();
        var now = scope.ServiceProvider.GetRequiredService<IClock>().GetCurrentInstant();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(ct => db.Database.WithOpenConnectionAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var user = new User
            {
                Id = Guid.CreateVersion7(),
                FirstName = "Warm",
                LastName = "Up",
                Email = $"warm-up-{Guid.NewGuid():N}@example.invalid",
                TimeZone = "Europe/London",
                BirthdayDate = new LocalDate(1990, 5, 17),
                AnniversaryDate = new LocalDate(2015, 3, 2),
                CreatedAt = now,
                UpdatedAt = now,
            };
            await UserRows.ExecuteAsync(connection, [UserRows.Insert(user), .. planner.Plan(before: null, user, [], now).ToCreate.Select(UserRows.Insert)], ct);

            var (stored, open) = await UserRows.LockWithOpenMessagesAsync(connection, user.Id, ct);
            var changed = stored!.Snapshot();
            changed.LastName = "Again";
            changed.BirthdayDate = new LocalDate(1990, 5, 18);
            await UserRows.ExecuteAsync(connection, [UserRows.Update(changed), .. UserRows.Apply(planner.Plan(stored, changed, open, now)), UserRows.WakeSchedulers()], ct);
            await transaction.RollbackAsync(ct);
        }, ct), cancellationToken);
    }

    /// <summary>
    /// Opens a pooled connection to the primary and one to the replica and reads the tables a request reads: a new
    /// Postgres backend loads its catalog caches on its first queries, which a request should not wait for.
    /// </summary>
    private async Task OpenConnectionsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var unknown = Guid.CreateVersion7();
        foreach (var db in new BirthdayDbContext[]
            {
                scope.ServiceProvider.GetRequiredService<BirthdayDbContext>(),
                scope.ServiceProvider.GetRequiredService<ReadOnlyBirthdayDbContext>(),
            })
        {
            await db.Users.AsNoTracking().AnyAsync(u => u.Id == unknown, cancellationToken);
            await db.Messages.AsNoTracking().AnyAsync(m => m.UserId == unknown, cancellationToken);
        }
    }

    /// <summary>This instance's own HTTP address, with a wildcard host made loopback.</summary>
    private Uri OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException("The api listens on no plain HTTP address to warm up through.");
        var uri = new UriBuilder(address);
        if (uri.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }
}
