using System.Net;
using Birthday.Api.Apis;
using Birthday.Api.Extensions;
using Birthday.Api.Users;
using Birthday.Core.Messages;
using Birthday.Core.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Birthday.Tests.BadInput;

/// <summary>
/// The users API's endpoints and error answers (the same extension methods its Program.cs calls) on Kestrel in this
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
        builder.Services.AddProblemAnswers();
        builder.Services.AddDbContext<BirthdayDbContext>(o => o.UseNpgsql(Unreachable, n => n.UseNodaTime()));
        builder.Services.AddDbContext<ReadOnlyBirthdayDbContext>(o => o.UseNpgsql(Unreachable, n => n.UseNodaTime()));
        builder.Services.AddHybridCache();
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        builder.AddOccasionRules();
        builder.Services.AddSingleton<UserCache>();
        builder.Services.AddScoped<UserStore>();
        builder.Services.AddScoped<UserQueries>();

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
