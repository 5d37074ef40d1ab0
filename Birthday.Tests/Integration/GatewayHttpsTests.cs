using System.Net;
using System.Security.Authentication;

namespace Birthday.Tests.Integration;

/// <summary>The gateway's TLS door, served with the certificate it is given, as the production export does.</summary>
[Collection(BirthdayApplicationGroup.Name)]
public sealed class GatewayHttpsTests(BirthdayApplication application)
{
    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task The_gateway_serves_HTTP2_over_TLS_with_its_certificate_and_HSTS(SslProtocols protocol)
    {
        var presented = "";
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.EnabledSslProtocols = protocol;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            presented = certificate?.GetCertHashString() ?? "";
            return presented == application.Certificate.Thumbprint;
        };
        using var https = new HttpClient(handler)
        {
            BaseAddress = application.App.GetEndpoint("gateway", "https"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await https.GetAsync(new Uri("/api/v1/users?limit=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(application.Certificate.Thumbprint, presented);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_HTTP_answers_carry_no_HSTS()
    {
        using var http = application.CreateGatewayClient();

        using var response = await http.GetAsync(new Uri("/api/v1/users?limit=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
