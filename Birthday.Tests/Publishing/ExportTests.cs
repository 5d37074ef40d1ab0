using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Birthday.Tests.Publishing;

/// <summary>
/// The deployment outputs come from the app model and nothing else: the committed files equal a fresh export, the
/// Compose file is valid, and both exports describe the same services.
/// </summary>
public sealed class ExportTests(FreshExport export) : IClassFixture<FreshExport>
{
    private const string Manifest = "aspire-manifest.json";
    private const string ComposeFile = "deploy/docker-compose.prod.yml";
    private const string EnvironmentExample = "deploy/.env.prod.example";

    [Theory]
    [InlineData(ComposeFile)]
    [InlineData(EnvironmentExample)]
    public async Task The_committed_file_equals_a_fresh_export(string file)
    {
        var fresh = await File.ReadAllTextAsync(export.Fresh(file));
        var committed = await File.ReadAllTextAsync(FreshExport.Committed(file));
        Assert.True(fresh == committed, $"{file} differs from a fresh export of the AppHost: run ./scripts/export.sh and commit the result.");
    }

    [Fact]
    public async Task The_committed_manifest_equals_a_fresh_export()
    {
        // Project paths are relative to the manifest's folder: compare them as the absolute paths they stand for.
        var fresh = await ReadManifestAsync(export.Fresh(Manifest));
        var committed = await ReadManifestAsync(FreshExport.Committed(Manifest));
        Assert.True(JsonNode.DeepEquals(fresh, committed),
            $"{Manifest} differs from a fresh export of the AppHost: run ./scripts/export.sh and commit the result.");
    }

    [Fact]
    public async Task The_compose_file_is_valid_with_the_example_variables()
    {
        var result = await ProcessRunner.RunAsync("docker-compose",
            ["--env-file", FreshExport.Committed(EnvironmentExample), "-f", FreshExport.Committed(ComposeFile), "config", "-q"],
            FreshExport.RepositoryRoot, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"docker-compose config refused the file:\n{result.Output}");
    }

    [Fact]
    public async Task The_compose_file_refuses_to_start_without_its_secrets()
    {
        var empty = export.Fresh("empty.env");
        await File.WriteAllTextAsync(empty, "");
        var result = await ProcessRunner.RunAsync("docker-compose",
            ["--env-file", empty, "-f", FreshExport.Committed(ComposeFile), "config", "-q"],
            FreshExport.RepositoryRoot, TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("in .env.prod", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_project_and_server_of_the_model_is_a_compose_service_of_the_same_name()
    {
        var manifest = (await ReadManifestAsync(FreshExport.Committed(Manifest)))["resources"]!.AsObject();
        var modelServices = manifest
            .Where(resource => ((string?)resource.Value!["type"])!.Split('.')[0] is "container" or "project")
            .Select(resource => resource.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var composeServices = Services(await ReadComposeAsync())
            .Select(service => service.Name)
            .Where(name => name != "dashboard")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["api-1", "api-2", "api-3", "cache", "gateway", "messaging-1", "messaging-2", "messaging-3", "postgres", "postgres-replica", "scheduler", "worker"], modelServices);
        Assert.Equal(modelServices, composeServices);
    }

    [Fact]
    public async Task Only_the_gateway_publishes_ports_and_the_email_simulator_is_not_deployed()
    {
        var services = Services(await ReadComposeAsync()).ToList();

        var publishing = services.Where(service => service.Definition.Children.ContainsKey("ports")).Select(service => service.Name);
        Assert.Equal(["gateway"], publishing);
        // The standard ports on every address unless the env file names others (compose-up.sh: 127.0.0.1 only).
        Assert.Equal(["${GATEWAY_HTTP_PUBLISH:-80}:8080", "${GATEWAY_HTTPS_PUBLISH:-443}:8443"], Sequence(services.Single(service => service.Name == "gateway").Definition, "ports"));
        Assert.DoesNotContain(services, service => service.Name.Contains("simulator", StringComparison.Ordinal));
        Assert.DoesNotContain("email-simulator", await File.ReadAllTextAsync(FreshExport.Committed(Manifest)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_service_has_a_health_check_restart_policy_and_limits_and_waits_for_healthy_dependencies()
    {
        foreach (var (name, service) in Services(await ReadComposeAsync()).Where(service => service.Name != "dashboard"))
        {
            Assert.True(service.Children.ContainsKey("healthcheck"), $"{name} has no health check");
            Assert.Equal("unless-stopped", service["restart"].ToString());
            var limits = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)service["deploy"])["resources"])["limits"];
            Assert.True(limits.Children.ContainsKey("cpus") && limits.Children.ContainsKey("memory"), $"{name} has no limits");
            if (service.Children.TryGetValue("depends_on", out var dependsOn))
            {
                Assert.All(((YamlMappingNode)dependsOn).Children.Where(dependency => dependency.Key.ToString() != "dashboard"),
                    dependency => Assert.Equal("service_healthy", ((YamlMappingNode)dependency.Value)["condition"].ToString()));
            }
        }
    }

    [Fact]
    public async Task Every_dotnet_service_stops_before_the_dashboard_that_receives_its_last_telemetry()
    {
        var projects = Services(await ReadComposeAsync())
            .Where(IsDotnetService)
            .ToList();

        Assert.NotEmpty(projects);
        foreach (var (name, service) in projects)
        {
            Assert.True(((YamlMappingNode)service["depends_on"]).Children.TryGetValue("dashboard", out var dashboard), $"{name} does not depend on the dashboard");
            Assert.Equal("service_started", ((YamlMappingNode)dashboard)["condition"].ToString());
        }
    }

    [Fact]
    public async Task Every_service_keeps_every_trace_unless_the_env_file_lowers_the_share_and_the_public_door_decides_by_trace_id()
    {
        var projects = Services(await ReadComposeAsync())
            .Where(IsDotnetService)
            .ToDictionary(service => service.Name, service => (YamlMappingNode)service.Definition["environment"]);

        Assert.NotEmpty(projects);
        foreach (var (name, environment) in projects)
        {
            // A caller's "sampled" flag is not obeyed at the public door; behind it, each service follows the trace it continues.
            Assert.Equal(name == "gateway" ? "traceidratio" : "parentbased_traceidratio", environment["OTEL_TRACES_SAMPLER"].ToString());
            Assert.Equal("${TRACE_SAMPLE_RATIO:-1}", environment["OTEL_TRACES_SAMPLER_ARG"].ToString());
        }
    }

    [Fact]
    public async Task No_password_key_or_cookie_is_written_into_the_compose_file()
    {
        foreach (var (name, service) in Services(await ReadComposeAsync()))
        {
            if (!service.Children.TryGetValue("environment", out var environment))
            {
                continue;
            }

            foreach (var (key, value) in ((YamlMappingNode)environment).Children)
            {
                var variable = key.ToString();
                if (variable.Contains("PASS", StringComparison.OrdinalIgnoreCase) || variable.Contains("KEY", StringComparison.OrdinalIgnoreCase)
                    || variable.Contains("COOKIE", StringComparison.OrdinalIgnoreCase) || variable.Contains("TOKEN", StringComparison.OrdinalIgnoreCase)
                    || variable.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
                {
                    Assert.True(value.ToString().Contains("${", StringComparison.Ordinal), $"{name}: {variable} holds a literal value");
                }
            }
        }
    }

    [Fact]
    public async Task Server_images_are_variables_whose_defaults_are_the_official_images()
    {
        var images = Services(await ReadComposeAsync())
            .Where(service => !IsDotnetService(service))
            .ToDictionary(service => service.Name, service => service.Definition["image"].ToString());

        Assert.Equal("${POSTGRES_IMAGE:-docker.io/library/postgres:18.3}", images["postgres"]);
        Assert.Equal(images["postgres"], images["postgres-replica"]);
        Assert.All(["messaging-1", "messaging-2", "messaging-3"],
            node => Assert.Equal("${RABBITMQ_IMAGE:-docker.io/library/rabbitmq:4.3-management}", images[node]));
        Assert.Equal("${REDIS_IMAGE:-docker.io/library/redis:8.6}", images["cache"]);
        Assert.Equal("${ASPIRE_DASHBOARD_IMAGE:-mcr.microsoft.com/dotnet/aspire-dashboard:13.6}", images["dashboard"]);

        var example = await File.ReadAllTextAsync(FreshExport.Committed(EnvironmentExample));
        Assert.All(["POSTGRES_IMAGE", "RABBITMQ_IMAGE", "REDIS_IMAGE", "ASPIRE_DASHBOARD_IMAGE"],
            variable => Assert.Contains($"# {variable}=", example, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_rabbitmq_joiners_name_node_1_where_classic_peer_discovery_reads_it()
    {
        var services = Services(await ReadComposeAsync()).ToDictionary(service => service.Name, service => service.Definition);
        foreach (var node in new[] { "messaging-2", "messaging-3" })
        {
            var arguments = ((YamlMappingNode)services[node]["environment"])["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"].ToString();
            // rabbit.cluster_nodes is what rabbitmq.conf's cluster_formation.classic_config.nodes.N becomes.
            Assert.Contains("-rabbit cluster_nodes {['rabbit@messaging-1'],disc}", arguments, StringComparison.Ordinal);
            Assert.Contains("rabbit_peer_discovery_classic_config", arguments, StringComparison.Ordinal);
            Assert.DoesNotContain("classic_config,[", arguments, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_postgres_primary_creates_the_database_so_the_api_instances_do_not_race_to()
    {
        var services = Services(await ReadComposeAsync()).ToDictionary(service => service.Name, service => service.Definition);
        var primary = (YamlMappingNode)services["postgres"]["environment"];
        Assert.Equal("birthday", primary["POSTGRES_DB"].ToString());
        // The replica is a clone of the primary: it initialises nothing.
        Assert.False(((YamlMappingNode)services["postgres-replica"]["environment"]).Children.ContainsKey("POSTGRES_DB"),
            "postgres-replica must not set POSTGRES_DB");
    }

    [Fact]
    public async Task The_replicated_services_keep_their_replica_counts()
    {
        var services = Services(await ReadComposeAsync()).ToDictionary(service => service.Name, service => service.Definition);
        Assert.Equal("2", ((YamlMappingNode)services["scheduler"]["deploy"])["replicas"].ToString());
        Assert.Equal("3", ((YamlMappingNode)services["worker"]["deploy"])["replicas"].ToString());
    }

    private static async Task<JsonNode> ReadManifestAsync(string path)
    {
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (_, resource) in manifest["resources"]!.AsObject())
        {
            if (resource!["path"] is JsonValue relative)
            {
                resource["path"] = Path.GetFullPath(Path.Combine(folder, (string)relative!));
            }
        }

        return manifest;
    }

    private static async Task<YamlMappingNode> ReadComposeAsync()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(FreshExport.Committed(ComposeFile))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<(string Name, YamlMappingNode Definition)> Services(YamlMappingNode compose) =>
        ((YamlMappingNode)compose["services"]).Children.Select(entry => (entry.Key.ToString(), (YamlMappingNode)entry.Value));

    /// <summary>Our own images come from the deployment's registry; the servers' are the official ones.</summary>
    private static bool IsDotnetService((string Name, YamlMappingNode Definition) service) =>
        service.Definition["image"].ToString().Contains("${REGISTRY", StringComparison.Ordinal);

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(item => item.ToString()).ToList();
}
