using System.Net;
using Birthday.Api.Apis;
using Birthday.Api.Extensions;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Birthday.Core.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Birthday.Tests.BadInput;

/// <summary>
/// The users API's services, endpoints and error answers (the same extension methods its Program.cs calls) on Kestrel in this
/// process, in the environment a test picks: Development and Production differ in how a failed binding surfaces (an
/// exception or a bare 400). Its database is an address where nothing listens, so a request that got as far as the store
/// would fail there as a 500: the corpus is refused before anything could be stored.
/// </summary>
public sealed class ApiInProcess : IAsyncDisposable
{
    private const string Unreachable = "Host=127.0.0.1;Port=9;Database=none;Username=none;Password=none;Timeout=1;Pooling=false";
    private readonly WebApplication _app;

    private ApiInProcess(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="configure">Extra endpoints for a test (mapped after the users API).</param>
    public static async Task<ApiInProcess> StartAsync(string environment, Action<WebApplication>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(UsersApi).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{BirthdayDataExtensions.PrimaryConnectionName}"] = Unreachable,
            [$"ConnectionStrings:{BirthdayDataExtensions.ReplicaConnectionName}"] = Unreachable,
            // Fail at once rather than after the retry strategy's half minute.
            ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:DisableRetry"] = "true",
            // Redis where nothing listens either: the cache reports itself away, and reads go to the (unreachable) database.
            ["ConnectionStrings:cache"] = "127.0.0.1:9,abortConnect=false,connectTimeout=200",
            [$"ConnectionStrings:{MessagingExtensions.ConnectionName}"] = "amqp://guest:guest@127.0.0.1:9",
        });

        // The api's Program.cs registrations (all but its service defaults: telemetry and discovery have no part here).
        builder.AddApplicationClock();
        builder.AddBirthdayData();
        builder.AddBirthdayMessaging(neededToServe: false);
        builder.AddUsersApi();

        var app = builder.Build();
        app.UseProblemAnswers();
        app.MapUsersEndpoints();
        configure?.Invoke(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiInProcess(app, new Uri(address));
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address };

    public int Port => Address.Port;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
