using Birthday.AppHost.Infrastructure.Host;

namespace Birthday.AppHost;

public static class GatewayHttpsExtensions
{
    /// <summary>The AppHost's setting for a PKCS#12 certificate the gateway serves HTTPS with while running here.</summary>
    public const string CertificateSection = "GatewayCertificate";

    /// <summary>
    /// While running here, the gateway also serves HTTPS when the AppHost is given a certificate
    /// (<c>GatewayCertificate:Path</c> and <c>GatewayCertificate:Password</c>; the integration tests make one): on its own
    /// port, without DCP's proxy, so TLS ends in the gateway as in production. Published, the Compose file mounts the
    /// certificate as a secret instead.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttpsWhenCertificateGiven(this IResourceBuilder<ProjectResource> gateway)
    {
        var certificate = gateway.ApplicationBuilder.Configuration.GetSection(CertificateSection);
        if (!gateway.ApplicationBuilder.ExecutionContext.IsRunMode || certificate["Path"] is not { Length: > 0 } path)
        {
            return gateway;
        }

        return gateway.WithHttpsEndpoint(port: LoopbackPorts.Next(), isProxied: false)
            .WithEnvironment("Kestrel__Certificates__Default__Path", path)
            .WithEnvironment("Kestrel__Certificates__Default__Password", certificate["Password"] ?? "");
    }
}
