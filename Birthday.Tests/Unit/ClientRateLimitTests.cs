using System.Net;
using System.Threading.RateLimiting;
using Birthday.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Birthday.Tests.Unit;

/// <summary>The gateway's limit on every request, per client address, as its configuration builds it.</summary>
public sealed class ClientRateLimitTests
{
    [Fact]
    public void A_client_gets_its_burst_and_then_is_refused_while_another_client_is_not()
    {
        using var services = Build(limits => (limits.GeneralPerSecond, limits.GeneralBurst) = (10, 5));
        var limiter = services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;
        var greedy = Client("192.0.2.1");

        var granted = new List<RateLimitLease>();
        RateLimitLease lease;
        while ((lease = limiter.AttemptAcquire(greedy)).IsAcquired && granted.Count < 50)
        {
            granted.Add(lease);
        }

        using var other = limiter.AttemptAcquire(Client("192.0.2.2"));

        // The bucket is refilled every 100 ms, so a refill may fall between two of the attempts: one more, not fifty.
        Assert.InRange(granted.Count, 5, 6);
        Assert.False(lease.IsAcquired);
        Assert.True(other.IsAcquired);
        lease.Dispose();
        granted.ForEach(g => g.Dispose());
    }

    [Fact]
    public void A_client_may_have_only_so_many_requests_in_flight()
    {
        using var services = Build(limits => limits.ConcurrentRequestsPerClient = 2);
        var limiter = services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;
        var client = Client("192.0.2.3");

        using var first = limiter.AttemptAcquire(client);
        using var second = limiter.AttemptAcquire(client);
        using (var third = limiter.AttemptAcquire(client))
        {
            Assert.False(third.IsAcquired);
        }

        second.Dispose();
        using var afterOneEnded = limiter.AttemptAcquire(client);
        Assert.True(afterOneEnded.IsAcquired);
    }

    [Fact]
    public void Disabled_limits_set_no_global_limiter()
    {
        using var services = Build(limits => limits.Disabled = true);

        Assert.Null(services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter);
    }

    private static ServiceProvider Build(Action<RateLimitOptions> configure)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.Configure<GatewayOptions>(options => configure(options.RateLimits));
        builder.AddClientRateLimits();
        return builder.Services.BuildServiceProvider();
    }

    private static DefaultHttpContext Client(string address) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };
}
