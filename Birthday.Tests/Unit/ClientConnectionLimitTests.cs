using System.Net;
using System.Net.Sockets;
using System.Text;
using Birthday.Gateway;
using Birthday.Tests.Integration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Birthday.Tests.Unit;

public sealed class ClientConnectionLimitTests
{
    [Fact]
    public async Task One_address_gets_no_more_connections_than_its_cap_and_another_address_is_unaffected()
    {
        var limit = new ClientConnectionLimit(3, NullLogger<ClientConnectionLimit>.Instance);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(limit.Wrap))).UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync();
        var server = new IPEndPoint(IPAddress.Loopback, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port);
        var greedy = IPAddress.Parse("127.0.0.3");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var open = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = await RawHttp.ConnectAsync(server, greedy, deadline.Token);
                open.Add(socket);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n"), SocketFlags.None, deadline.Token);
            }

            await Eventually.HoldsAsync(() => Task.FromResult(limit.OpenFrom(greedy) == 3), TimeSpan.FromSeconds(5), () => $"{limit.OpenFrom(greedy)} counted");

            using (var fourth = await RawHttp.ConnectAsync(server, greedy, deadline.Token))
            {
                // Closed before a byte is read: the answer is the end of the stream (or a reset), not HTTP.
                await fourth.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), SocketFlags.None, deadline.Token);
                Assert.Equal(0, (await RawHttp.ReadAsync(fourth, deadline.Token)).Status);
            }

            var other = await RawHttp.SendAsync(server, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), TimeSpan.FromSeconds(10));
            Assert.Equal(200, other.Status);

            open[0].Dispose();
            await Eventually.HoldsAsync(() => Task.FromResult(limit.OpenFrom(greedy) == 2), TimeSpan.FromSeconds(5), () => $"{limit.OpenFrom(greedy)} counted after a close");
            using var again = await RawHttp.ConnectAsync(server, greedy, deadline.Token);
            await again.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), SocketFlags.None, deadline.Token);
            Assert.Equal(200, (await RawHttp.ReadAsync(again, deadline.Token)).Status);
        }
        finally
        {
            foreach (var socket in open)
            {
                socket.Dispose();
            }

            await app.StopAsync();
        }
    }
}
