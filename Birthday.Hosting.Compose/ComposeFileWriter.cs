using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Birthday.Hosting.Compose;

/// <summary>
/// The production Compose file, read off the manifest (images, commands, environment, volumes, endpoints) and the app
/// model (what waits for what, replica counts, the servers' health commands and limits). What Compose needs beyond
/// that is the same for every service and lives here: restart policies, limits, the dashboard, TLS at the public door.
/// </summary>
internal sealed class ComposeFileWriter
{
    public const string DashboardService = "dashboard";
    private const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:13.6";

    /// <summary>The host addresses the public door publishes on, a variable each: the standard ports unless the env file says otherwise.</summary>
    private const string HttpPublishVariable = "GATEWAY_HTTP_PUBLISH";
    private const string HttpsPublishVariable = "GATEWAY_HTTPS_PUBLISH";
    private const string DashboardOtlpKey = "DASHBOARD_OTLP_API_KEY";
    private const string DashboardBrowserToken = "DASHBOARD_BROWSER_TOKEN";
    private const string TraceSampleRatio = "TRACE_SAMPLE_RATIO";

    /// <summary>The non-root user of the .NET SDK's container images (UID 1654).</summary>
    private const string DotnetImageUser = "app";

    /// <summary>
    /// A project's health: its own /health over HTTP. The .NET runtime images carry bash but neither curl nor wget, so
    /// the request goes through bash's /dev/tcp (run by bash itself: the images' /bin/sh is dash, which has no /dev/tcp).
    /// </summary>
    private static readonly string ProjectHealthCommand =
        $"exec 3<>/dev/tcp/127.0.0.1/{ManifestExpressions.ProjectPort("http")} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '";

    /// <summary>Every server image the file names, by the variable that may replace it (image defaults in the env example).</summary>
    private readonly SortedDictionary<string, string> _imageVariables = new(StringComparer.Ordinal);

    private readonly JsonObject _resources;
    private readonly DistributedApplicationModel _model;
    private readonly ManifestExpressions _expressions;

    public ComposeFileWriter(JsonObject resources, DistributedApplicationModel model)
    {
        _resources = resources;
        _model = model;
        _expressions = new ManifestExpressions(resources);
    }

    public string WriteComposeFile()
    {
        var services = new Dictionary<string, object>(StringComparer.Ordinal);
        var volumes = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var secrets = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, node) in _resources)
        {
            var resource = node!.AsObject();
            switch (((string?)resource["type"])?.Split('.')[0])
            {
                case "container":
                    services[name] = ContainerService(name, resource, volumes);
                    break;
                case "project":
                    services[name] = ProjectService(name, resource, secrets);
                    break;
            }
        }

        services[DashboardService] = Dashboard();

        var document = new Dictionary<string, object> { ["services"] = services, ["volumes"] = volumes };
        if (secrets.Count > 0)
        {
            document["secrets"] = secrets;
        }

        var yaml = new SerializerBuilder()
            .WithIndentedSequences()
            .WithQuotingNecessaryStrings()
            .WithEventEmitter(next => new LiteralBlockEmitter(next))
            .Build();
        return Header() + yaml.Serialize(document);
    }

    /// <summary>Every variable the Compose file reads, with an example value and what it is for.</summary>
    public string WriteEnvironmentExample()
    {
        var text = new StringBuilder()
            .AppendLine("# Variables of deploy/docker-compose.prod.yml (written by the AppHost's publish-compose step; do not edit by hand).")
            .AppendLine("# Copy to .env.prod, replace every value, keep it out of version control, and start with:")
            .AppendLine("#   docker compose --env-file .env.prod -f docker-compose.prod.yml up -d")
            .AppendLine("# Secrets end up inside connection strings and URLs: use letters and digits only (e.g. openssl rand -hex 24).")
            .AppendLine();
        foreach (var parameter in _expressions.Parameters)
        {
            var variable = ManifestExpressions.VariableName(parameter);
            var kind = _expressions.IsSecret(parameter) ? "secret" : "setting";
            var hint = _expressions.IsGenerated(parameter) ? "; generate one: openssl rand -hex 24" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"# {parameter} ({kind} of the app model{hint})")
                .AppendLine(CultureInfo.InvariantCulture, $"{variable}={ExampleValue(parameter)}");
        }

        text.AppendLine()
            .AppendLine("# Images built by `dotnet publish <project> -c Release /t:PublishContainer` (see docs/deployment.md).")
            .AppendLine("REGISTRY=registry.example.com")
            .AppendLine("TAG=1.0.0")
            .AppendLine("# The public door's TLS certificate (PKCS#12), mounted as a Compose secret, and its password.")
            .AppendLine("GATEWAY_CERTIFICATE_FILE=./secrets/gateway.pfx")
            .AppendLine("GATEWAY_CERTIFICATE_PASSWORD=change-me")
            .AppendLine("# The dashboard: the token to open it in a browser, and the key every service sends its telemetry with.")
            .AppendLine(CultureInfo.InvariantCulture, $"{DashboardBrowserToken}=change-me")
            .AppendLine(CultureInfo.InvariantCulture, $"{DashboardOtlpKey}=change-me");

        text.AppendLine()
            .AppendLine("# Optional. Where the gateway publishes HTTP and HTTPS on the host ([address:]port; default: ports 80 and 443 on every address).")
            .AppendLine(CultureInfo.InvariantCulture, $"# {HttpPublishVariable}=80")
            .AppendLine(CultureInfo.InvariantCulture, $"# {HttpsPublishVariable}=443")
            .AppendLine("# Optional. The share of traces the services keep, 0 to 1 (default 1: every trace; under load e.g. 0.1).")
            .AppendLine(CultureInfo.InvariantCulture, $"# {TraceSampleRatio}=1")
            .AppendLine("# Optional. The server images, for a mirror or a pinned digest (default: the official images below).");
        foreach (var (variable, image) in _imageVariables)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"# {variable}={image}");
        }

        return text.ToString();
    }

    private static string ExampleValue(string parameter) =>
        parameter.EndsWith("-url", StringComparison.Ordinal) ? "https://email-vendor.example.com" : "change-me";

    private Dictionary<string, object> ContainerService(string name, JsonObject resource, SortedDictionary<string, object> volumes)
    {
        var settings = ModelResource(name).Annotations.OfType<ComposeServiceAnnotation>().SingleOrDefault()
            ?? throw new InvalidOperationException($"Server '{name}' has no health command for the Compose export (WithComposeService).");

        var service = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["image"] = ImageReference((string)resource["image"]!),
            // Cluster peers (RabbitMQ nodes) address each other by host name, which must be the service's name.
            ["hostname"] = name,
        };
        if ((string?)resource["entrypoint"] is { } entrypoint)
        {
            service["entrypoint"] = new[] { ManifestExpressions.Escape(entrypoint) };
        }

        if (resource["args"] is JsonArray args)
        {
            service["command"] = args.Select(arg => _expressions.Resolve((string)arg!)).ToList();
        }

        var environment = Environment(resource);
        if (ModelResource(name) is PostgresServerResource { Databases.Count: > 0 } postgres)
        {
            environment["POSTGRES_DB"] = DatabaseToCreate(postgres);
        }

        service["environment"] = environment;
        var mounts = new List<string>();
        foreach (var volume in resource["volumes"]?.AsArray() ?? [])
        {
            var volumeName = (string)volume!["name"]!;
            volumes[volumeName] = new Dictionary<string, object>();
            mounts.Add($"{volumeName}:{(string)volume["target"]!}{((bool?)volume["readOnly"] == true ? ":ro" : "")}");
        }

        if (mounts.Count > 0)
        {
            service["volumes"] = mounts;
        }

        return Finish(name, service, ["CMD-SHELL", ManifestExpressions.Escape(settings.HealthCommand)], settings.Cpus, settings.Memory);
    }

    /// <summary>
    /// While running, Aspire creates a server's databases itself; a Compose deployment has only the image to do it, which
    /// creates <c>POSTGRES_DB</c> when it initialises an empty volume. Without it, the three api instances each ran
    /// CREATE DATABASE on their first start (EF Core does, before its migration lock) and the two that lost crashed
    /// with 42P04 and were restarted.
    /// </summary>
    private static string DatabaseToCreate(PostgresServerResource postgres) =>
        postgres.Databases.Count == 1
            ? postgres.Databases.Single().Value
            : throw new InvalidOperationException(
                $"Server '{postgres.Name}' has {postgres.Databases.Count} databases; its image creates one (POSTGRES_DB).");

    private Dictionary<string, object> ProjectService(string name, JsonObject resource, SortedDictionary<string, object> secrets)
    {
        var environment = Environment(resource);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["OTEL_SERVICE_NAME"] = name;
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{DashboardService}:18889";
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={Variable(DashboardOtlpKey)}";

        var service = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["image"] = $"{Variable("REGISTRY")}/{ImageName(resource)}:${{TAG:-latest}}",
            ["user"] = DotnetImageUser,
            ["environment"] = environment,
        };

        // An external endpoint is the public door: published on the scheme's standard port, TLS from a mounted secret.
        var ports = new List<string>();
        foreach (var (bindingName, binding) in resource["bindings"]?.AsObject() ?? [])
        {
            if ((bool?)binding!["external"] != true)
            {
                continue;
            }

            var scheme = (string?)binding["scheme"] ?? bindingName;
            var published = scheme == "https" ? $"${{{HttpsPublishVariable}:-443}}" : $"${{{HttpPublishVariable}:-80}}";
            ports.Add($"{published}:{ManifestExpressions.ProjectPort(scheme)}");
            if (scheme == "https")
            {
                var secret = $"{name}-certificate";
                var prefix = ManifestExpressions.VariableName(name);
                secrets[secret] = new Dictionary<string, object> { ["file"] = Variable($"{prefix}_CERTIFICATE_FILE") };
                service["secrets"] = new[] { secret };
                environment["HTTPS_PORTS"] = ManifestExpressions.ProjectPort("https").ToString(CultureInfo.InvariantCulture);
                environment["Kestrel__Certificates__Default__Path"] = $"/run/secrets/{secret}";
                environment["Kestrel__Certificates__Default__Password"] = Variable($"{prefix}_CERTIFICATE_PASSWORD");
            }
        }

        if (ports.Count > 0)
        {
            service["ports"] = ports;
        }

        // The share of traces kept (OpenTelemetry's standard sampler variables): every trace unless the env file lowers
        // it. Behind the public door each service follows the decision of the trace it continues, so a kept request
        // keeps its whole story; the door itself decides by trace id alone, so a caller's "sampled" flag cannot raise
        // the share.
        environment["OTEL_TRACES_SAMPLER"] = ports.Count > 0 ? "traceidratio" : "parentbased_traceidratio";
        environment["OTEL_TRACES_SAMPLER_ARG"] = $"${{{TraceSampleRatio}:-1}}";

        return DependOnDashboard(Finish(name, service, ["CMD", "bash", "-c", ManifestExpressions.Escape(ProjectHealthCommand)], cpus: "1", memory: "512m"));
    }

    /// <summary>
    /// A .NET service exports its last telemetry as it stops, and Compose stops a service before what it depends on. Without
    /// this, the dashboard stopped alongside the services, each one's final export waited on the name of a container that
    /// was gone (10–20 s for the lookup to fail), and every .NET service outlasted <c>stop</c>'s 10 s and was killed. Started
    /// is enough to wait for: the export retries until the dashboard answers.
    /// </summary>
    private static Dictionary<string, object> DependOnDashboard(Dictionary<string, object> service)
    {
        var dependencies = service.TryGetValue("depends_on", out var existing)
            ? (Dictionary<string, object>)existing
            : new Dictionary<string, object>(StringComparer.Ordinal);
        dependencies[DashboardService] = new Dictionary<string, object> { ["condition"] = "service_started" };
        service["depends_on"] = dependencies.OrderBy(dependency => dependency.Key, StringComparer.Ordinal)
            .ToDictionary(dependency => dependency.Key, dependency => dependency.Value, StringComparer.Ordinal);
        return service;
    }

    /// <summary>Health, start order, restarts, replicas and limits: what every service of the file has.</summary>
    private Dictionary<string, object> Finish(string name, Dictionary<string, object> service, string[] healthTest, string cpus, string memory)
    {
        service["healthcheck"] = new Dictionary<string, object>
        {
            ["test"] = healthTest,
            ["interval"] = "10s",
            ["timeout"] = "5s",
            ["retries"] = 5,
            ["start_period"] = "60s",
        };

        var dependencies = ModelResource(name).Annotations.OfType<WaitAnnotation>()
            .SelectMany(wait => _expressions.ServicesBehind(wait.Resource.Name).Select(service => (service, wait.WaitType)))
            .Where(dependency => dependency.service != name)
            .DistinctBy(dependency => dependency.service)
            .OrderBy(dependency => dependency.service, StringComparer.Ordinal)
            .ToDictionary(
                dependency => dependency.service,
                dependency => (object)new Dictionary<string, object>
                {
                    ["condition"] = dependency.WaitType == WaitType.WaitForCompletion ? "service_completed_successfully" : "service_healthy",
                },
                StringComparer.Ordinal);
        if (dependencies.Count > 0)
        {
            service["depends_on"] = dependencies;
        }

        service["restart"] = "unless-stopped";
        var deploy = new Dictionary<string, object>(StringComparer.Ordinal);
        if (ModelResource(name).Annotations.OfType<ReplicaAnnotation>().LastOrDefault() is { Replicas: > 1 } replicas)
        {
            deploy["replicas"] = replicas.Replicas;
        }

        deploy["resources"] = new Dictionary<string, object> { ["limits"] = new Dictionary<string, object> { ["cpus"] = cpus, ["memory"] = memory } };
        service["deploy"] = deploy;
        return service;
    }

    /// <summary>
    /// An official server image, named through a variable that defaults to it (<c>${POSTGRES_IMAGE:-docker.io/library/postgres:18.3}</c>),
    /// so a mirror, a pinned digest or a local stand-in can replace it from the env file without touching this file.
    /// </summary>
    private string ImageReference(string image)
    {
        var repository = image.Split('/')[^1].Split(['@', ':'])[0];
        var variable = $"{ManifestExpressions.VariableName(repository)}_IMAGE";
        if (_imageVariables.TryGetValue(variable, out var known) && known != image)
        {
            throw new InvalidOperationException($"Two images would share the variable {variable}: {known} and {image}.");
        }

        _imageVariables[variable] = image;
        return $"${{{variable}:-{image}}}";
    }

    private Dictionary<string, object> Dashboard() => new(StringComparer.Ordinal)
    {
        ["image"] = ImageReference(DashboardImage),
        ["environment"] = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["DASHBOARD__FRONTEND__AUTHMODE"] = "BrowserToken",
            ["DASHBOARD__FRONTEND__BROWSERTOKEN"] = Variable(DashboardBrowserToken),
            ["DASHBOARD__OTLP__AUTHMODE"] = "ApiKey",
            ["DASHBOARD__OTLP__PRIMARYAPIKEY"] = Variable(DashboardOtlpKey),
        },
        ["restart"] = "unless-stopped",
        ["deploy"] = new Dictionary<string, object> { ["resources"] = new Dictionary<string, object> { ["limits"] = new Dictionary<string, object> { ["cpus"] = "0.5", ["memory"] = "512m" } } },
    };

    private SortedDictionary<string, object> Environment(JsonObject resource)
    {
        var environment = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in resource["env"]?.AsObject() ?? [])
        {
            environment[key] = _expressions.Resolve((string?)value ?? "");
        }

        return environment;
    }

    private static string Variable(string name) => ManifestExpressions.RequiredVariable(name);

    /// <summary><c>Birthday.Api/Birthday.Api.csproj</c> → <c>birthday-api</c>, which each project sets as its ContainerRepository.</summary>
    private static string ImageName(JsonObject project) =>
        Path.GetFileNameWithoutExtension((string)project["path"]!).ToLowerInvariant().Replace('.', '-');

    private IResource ModelResource(string name) =>
        _model.Resources.SingleOrDefault(resource => resource.Name == name)
        ?? throw new InvalidOperationException($"The manifest names '{name}', which the app model does not have.");

    private static string Header() => """
        # Birthday in production: written by the AppHost from the same model as aspire-manifest.json. Do not edit by hand;
        # change the AppHost and export again:
        #   dotnet run --project Birthday.AppHost -- --operation publish --step publish-compose --output-path ..
        # Only the gateway publishes ports (80, 443). Every secret comes from the env file (deploy/.env.prod.example), and
        # so may the server images (*_IMAGE, default: the official ones) and the gateway's host addresses (GATEWAY_*_PUBLISH).
        # The servers' images drop root themselves (gosu); the .NET services run as the image's non-root user.
        # The .NET services start after the dashboard and stop before it (their last telemetry export runs as they stop);
        # they do not wait for it to be healthy (the export retries), so it has no health check.

        """;
}
