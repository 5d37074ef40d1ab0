using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Birthday.Tests.Integration;

/// <summary>A self-signed certificate for 127.0.0.1 and localhost, written as PKCS#12 for the gateway to serve HTTPS with.</summary>
public sealed class GatewayCertificate
{
    public const string Password = "birthday-tests";

    private GatewayCertificate(string path, string thumbprint)
    {
        Path = path;
        Thumbprint = thumbprint;
    }

    public string Path { get; }

    /// <summary>SHA-1 thumbprint of the certificate: a client in the tests accepts this one and no other.</summary>
    public string Thumbprint { get; }

    public static GatewayCertificate Create(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=birthday-gateway-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        var path = System.IO.Path.Combine(directory, "gateway.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return new GatewayCertificate(path, certificate.Thumbprint);
    }
}
