using Birthday.Gateway;

namespace Birthday.Tests.Unit;

public sealed class GatewayOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new GatewayOptionsValidator().Validate(null, new GatewayOptions()).Succeeded);
    }

    [Fact]
    public void A_nested_limit_out_of_range_stops_the_gateway_at_start_up()
    {
        var options = new GatewayOptions();
        options.Edge.MaxConnectionsPerClient = 0;
        options.Edge.RequestHeadersTimeout = TimeSpan.Zero;
        options.Edge.Http2MaxFrameSize = 1024;
        options.RateLimits.ApiPerSecond = 0;

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var name in new[] { "MaxConnectionsPerClient", "RequestHeadersTimeout", "Http2MaxFrameSize", "ApiPerSecond" })
        {
            Assert.Contains(name, result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
