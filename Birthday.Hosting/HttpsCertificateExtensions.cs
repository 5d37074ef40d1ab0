namespace Birthday.Hosting;

public static class HttpsCertificateExtensions
{
    /// <summary>
    /// While running here, the project also serves HTTPS when the AppHost is given a PKCS#12 certificate in the
    /// configuration section <paramref name="certificateSection"/> (<c>Path</c> and <c>Password</c>; the integration
    /// tests make one): on its own port, without DCP's proxy, so TLS ends in the project as in production. Published, the
    /// Compose file mounts the certificate as a secret instead.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttpsWhenCertificateGiven(
        this IResourceBuilder<ProjectResource> project, string certificateSection)
    {
        var certificate = project.ApplicationBuilder.Configuration.GetSection(certificateSection);
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode || certificate["Path"] is not { Length: > 0 } path)
        {
            return project;
        }

        return project.WithHttpsEndpoint(port: LoopbackPorts.Next(), isProxied: false)
            .WithEnvironment("Kestrel__Certificates__Default__Path", path)
            .WithEnvironment("Kestrel__Certificates__Default__Password", certificate["Password"] ?? "");
    }
}
