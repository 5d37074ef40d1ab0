using System.Net;
using System.Net.Http.Json;
using System.Text;
using Birthday.Core.Messaging;
using NodaTime;
using NodaTime.Text;
using RabbitMQ.Client;
using static Birthday.Tests.Integration.UsersApiClient;

namespace Birthday.Tests.Integration;

/// <summary>The operator's side of the api: reachable only on the instance itself, only with the key.</summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class AdminTests(BirthdayApplication application) : IDisposable
{
    private readonly HttpClient _api = application.App.CreateHttpClient("api-1");
    private readonly HttpClient _gateway = application.CreateGatewayClient();

    public void Dispose()
    {
        _api.Dispose();
        _gateway.Dispose();
    }

    [Fact]
    public async Task Admin_operations_need_the_key()
    {
        using var anonymous = await _api.GetAsync(new Uri("/admin/v1/messages/summary", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = await AdminRequestAsync(HttpMethod.Get, "/admin/v1/messages/summary");
        using var authorised = await _api.SendAsync(request);
        var summary = await ExpectAsync(authorised, HttpStatusCode.OK);
        Assert.True(summary.GetProperty("byStatus").EnumerateObject().Any(), summary.ToString());
    }

    [Fact]
    public async Task Failed_messages_are_redriven_with_a_fresh_budget()
    {
        var time = new VirtualTime(application);
        var now = await time.NowAsync();
        var (zone, local) = NineAmZones.At(now + Duration.FromHours(1));

        var api = new UsersApiClient(_gateway);
        var user = await api.CreateAsync(NewUser(timezone: zone, birthday: $"1980-{local.Month:00}-{local.Day:00}", email: $"redrive-{Guid.NewGuid():N}@bounce.test"));
        var id = user.GetProperty("id").GetString()!;
        var due = (await api.MessagesAsync(id)).Single().GetProperty("dueAt").GetString()!;
        await time.AdvanceToAsync(NodaTime.Text.InstantPattern.ExtendedIso.Parse(due).Value);
        await WaitForAsync(async () => (await api.MessagesAsync(id)).Any(m => m.GetProperty("status").GetString() == "Failed"));
        using var simulatorHttp = application.App.CreateHttpClient("email-simulator");
        var simulator = new EmailSimulatorClient(simulatorHttp);
        var refusedBefore = (await simulator.StatsAsync()).GetProperty("invalidRecipients").GetInt64();

        using var request = await AdminRequestAsync(HttpMethod.Post, "/admin/v1/messages/redrive-failed");
        using var response = await _api.SendAsync(request);
        var result = await ExpectAsync(response, HttpStatusCode.OK);

        Assert.True(result.GetProperty("redriven").GetInt64() >= 1, result.ToString());
        // The re-driven message is sent again (and refused again by the vendor: the address still bounces).
        await WaitForAsync(async () => (await simulator.StatsAsync()).GetProperty("invalidRecipients").GetInt64() > refusedBefore);
        await WaitForAsync(async () => (await api.MessagesAsync(id)).Any(m => m.GetProperty("status").GetString() == "Failed"));
    }

    [Fact]
    public async Task Dead_letters_are_redriven_and_malformed_ones_stay()
    {
        var address = RabbitMQClusterAddress.Parse(await application.ConnectionStringAsync("messaging"));
        var factory = new ConnectionFactory { Uri = address.FirstNode };
        await using var connection = await factory.CreateConnectionAsync(address.Nodes);
        await using var channel = await connection.CreateChannelAsync();
        // A malformed body on the deliveries queue goes to the dead-letter queue at once; a well-formed one is put there directly.
        await channel.BasicPublishAsync("", DeliveryTopology.DeliveriesQueue, Encoding.UTF8.GetBytes("not a delivery"));
        await channel.BasicPublishAsync("", DeliveryTopology.DeadLetterQueue, new DeliveryRequest([Guid.NewGuid()]).Serialize());
        await WaitForAsync(async () => (await channel.QueueDeclarePassiveAsync(DeliveryTopology.DeadLetterQueue)).MessageCount >= 2);

        using var request = await AdminRequestAsync(HttpMethod.Post, "/admin/v1/dead-letters/redrive");
        using var response = await _api.SendAsync(request);
        var result = await ExpectAsync(response, HttpStatusCode.OK);

        Assert.True(result.GetProperty("redriven").GetInt64() >= 1, result.ToString());
        Assert.True(result.GetProperty("skipped").GetInt64() >= 1, result.ToString());
        Assert.True((await channel.QueueDeclarePassiveAsync(DeliveryTopology.DeadLetterQueue)).MessageCount >= 1);
    }

    [Fact]
    public async Task The_virtual_clock_is_read_and_moved_forward_but_never_back()
    {
        using var read = await AdminRequestAsync(HttpMethod.Get, "/admin/v1/clock");
        using var readResponse = await _api.SendAsync(read);
        var now = InstantPattern.ExtendedIso.Parse((await ExpectAsync(readResponse, HttpStatusCode.OK)).GetProperty("now").GetString()!).Value;

        // One second ahead: enough to see it move, too little to disturb the other tests' schedules.
        var target = now + Duration.FromSeconds(1);
        using var move = await ClockRequestAsync(new { now = InstantPattern.ExtendedIso.Format(target) });
        using var moveResponse = await _api.SendAsync(move);
        var moved = InstantPattern.ExtendedIso.Parse((await ExpectAsync(moveResponse, HttpStatusCode.OK)).GetProperty("now").GetString()!).Value;
        Assert.True(moved >= target, $"{moved} < {target}");
        Assert.True(await new VirtualTime(application).NowAsync() >= target, "the shared clock did not move");

        using var back = await ClockRequestAsync(new { now = InstantPattern.ExtendedIso.Format(now - Duration.FromHours(1)) });
        using var backResponse = await _api.SendAsync(back);
        Assert.Equal("clock_moved_back", (await ExpectAsync(backResponse, HttpStatusCode.Conflict)).GetProperty("code").GetString());

        using var nonsense = await ClockRequestAsync(new { now = "tomorrow" });
        using var nonsenseResponse = await _api.SendAsync(nonsense);
        var problem = await ExpectAsync(nonsenseResponse, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("now", out _), problem.ToString());
    }

    private async Task<HttpRequestMessage> ClockRequestAsync(object body)
    {
        var request = await AdminRequestAsync(HttpMethod.Put, "/admin/v1/clock");
        request.Content = JsonContent.Create(body);
        return request;
    }

    private Task<HttpRequestMessage> AdminRequestAsync(HttpMethod method, string path) => application.CreateAdminRequestAsync(method, path);

    private static Task WaitForAsync(Func<Task<bool>> condition) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(60), () => "condition not met within 60 s");
}
