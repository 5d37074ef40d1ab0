using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Birthday.Core.Messaging;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Birthday.Tests.Integration;

[Collection(BirthdayApplicationGroup.Name)]
public sealed class InfrastructureTests(BirthdayApplication application)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public void Every_resource_with_a_health_check_is_healthy()
    {
        var unhealthy = application.Model.Resources
            .Where(r => r.HasHealthChecks() && !application.IsHealthy(r.Name))
            .Select(r => r.Name)
            .ToList();

        Assert.True(unhealthy.Count == 0, $"expected every resource healthy, but not: {string.Join(", ", unhealthy)}");
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public void The_servers_run_as_the_test_run_asked()
    {
        // auto means containers exactly when `docker info` answers (DOCKER_HOST included); a silent fall-back to host
        // processes would let a container-mode run pass without a single container.
        var expectContainers = BirthdayApplication.InfrastructureMode switch
        {
            "host" => false,
            "containers" => true,
            _ => ContainerEngineAnswers(),
        };
        var servers = application.Model.Resources.Where(r => r.Name is "postgres" or "postgres-replica" or "messaging-1" or "cache").ToList();

        Assert.True(servers.All(r => (r is ContainerResource) == expectContainers),
            $"{BirthdayApplication.InfrastructureVariable}={BirthdayApplication.InfrastructureMode}: expected the servers as "
            + $"{(expectContainers ? "containers" : "host processes")}, got {string.Join(", ", servers.Select(r => $"{r.Name} ({r.GetType().Name})"))}");
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public void The_model_has_the_production_topology()
    {
        var names = application.Model.Resources.Select(r => r.Name).ToHashSet();
        string[] expected =
        [
            "postgres", "birthday", "postgres-replica", "birthday-replica",
            "messaging", "messaging-1", "messaging-2", "messaging-3", "cache",
            "api-1", "api-2", "scheduler", "worker", "gateway", "email-simulator",
        ];

        Assert.All(expected, name => Assert.Contains(name, names));
        Assert.Equal(2, ReplicaCount("scheduler"));
        // One worker and one api instance per core while running (at least two, at most three); the exported files keep
        // three of each (ExportTests).
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 2, 3), ReplicaCount("worker"));
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 2, 3), application.ApiInstances.Count);
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task Gateway_answers_health_from_outside()
    {
        using var client = application.CreateGatewayClient();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task A_row_written_on_the_primary_is_readable_on_the_replica_within_a_second()
    {
        var table = $"replication_probe_{Guid.NewGuid():N}";
        await using var primary = await OpenAsync("birthday");
        await using var replica = await OpenAsync("birthday-replica");
        await ExecuteAsync(primary, $"CREATE TABLE {table} (id int primary key, note text); INSERT INTO {table} VALUES (1, 'written on the primary')");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(1);
            string? seen = null;
            while (seen is null && DateTime.UtcNow < deadline)
            {
                seen = await TryReadNoteAsync(replica, table);
            }

            Assert.True(seen == "written on the primary", $"expected the row on the replica within 1 s, saw '{seen}'");
        }
        finally
        {
            await ExecuteAsync(primary, $"DROP TABLE {table}");
        }
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task The_replica_refuses_writes()
    {
        await using var replica = await OpenAsync("birthday-replica");

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(replica, "CREATE TABLE must_not_exist (id int)"));

        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, error.SqlState);
    }

    [Fact]
    public async Task The_RabbitMQ_cluster_has_three_running_nodes_and_quorum_queues_have_three_members()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var management = await ManagementClientAsync();
        var nodes = await management.GetFromJsonAsync<JsonElement>("api/nodes", timeout.Token);
        var running = nodes.EnumerateArray().Where(n => n.GetProperty("running").GetBoolean()).Select(n => n.GetProperty("name").GetString()).ToList();
        Assert.True(running.Count == 3, $"expected 3 running nodes, got: {string.Join(", ", running)}");

        var queue = $"probe-{Guid.NewGuid():N}";
        await using var connection = await ConnectToClusterAsync(timeout.Token);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: timeout.Token);
        try
        {
            var members = 0;
            while (members < 3 && !timeout.IsCancellationRequested)
            {
                var info = await management.GetFromJsonAsync<JsonElement>($"api/queues/%2F/{queue}", timeout.Token);
                members = info.TryGetProperty("members", out var list) ? list.GetArrayLength() : 0;
                if (members < 3)
                {
                    await Task.Delay(200, timeout.Token);
                }
            }

            Assert.Equal(3, members);
        }
        finally
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task Publishing_and_consuming_still_work_with_one_RabbitMQ_node_stopped()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var queue = $"survivor-{Guid.NewGuid():N}";
        const string stoppedNode = "messaging-2";

        await application.StopResourceAsync(stoppedNode, timeout.Token);
        try
        {
            await using var connection = await ConnectToClusterAsync(timeout.Token);
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), timeout.Token);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: timeout.Token);

            var body = Encoding.UTF8.GetBytes("still here");
            await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, body, timeout.Token);

            BasicGetResult? received = null;
            while (received is null && !timeout.IsCancellationRequested)
            {
                received = await channel.BasicGetAsync(queue, autoAck: true, timeout.Token);
            }

            Assert.NotNull(received);
            Assert.Equal("still here", Encoding.UTF8.GetString(received.Body.Span));
            await channel.QueueDeleteAsync(queue, cancellationToken: timeout.Token);
        }
        finally
        {
            await application.StartResourceAsync(stoppedNode, timeout.Token);
        }
    }

    [Fact]
    public async Task A_RabbitMQ_node_that_fails_its_boot_is_started_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        const string node = "messaging-3";
        var before = application.ProcessIds(node).ToHashSet();
        await application.StopResourceAsync(node, timeout.Token);
        try
        {
            // Started, then its Erlang VM ended before the node could become healthy: what a boot that stops with
            // incompatible_feature_flags looks like from outside. Debian's rabbitmq-server script, the resource's process,
            // then ends with exit code 0, as it does after that boot failure.
            var resource = application.Model.Resources.Single(r => r.Name == node);
            await application.App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
            int booting, erlangVm;
            while ((booting = application.ProcessIds(node).FirstOrDefault(pid => !before.Contains(pid))) == 0
                || (erlangVm = ErlangVmOf(booting)) == 0)
            {
                await Task.Delay(20, timeout.Token);
            }

            using (var process = System.Diagnostics.Process.GetProcessById(erlangVm))
            {
                process.Kill(entireProcessTree: true);
            }

            await Eventually.HoldsAsync(() => Task.FromResult(application.IsHealthy(node)), TimeSpan.FromMinutes(2),
                () => $"{node} was not started again after it failed its boot.\n{application.LogTail(node, 30)}");
            await application.WaitUntilEverythingIsHealthyAsync(timeout.Token);
        }
        finally
        {
            if (!application.IsHealthy(node))
            {
                await application.StartResourceAsync(node, timeout.Token);
            }
        }
    }

    /// <summary>The Erlang VM (<c>beam.smp</c>) the rabbitmq-server script <paramref name="pid"/> started, or 0 while there is none yet.</summary>
    private static int ErlangVmOf(int pid) =>
        (ProcFile($"{pid}/task/{pid}/children") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            .FirstOrDefault(child => ProcFile($"{child}/comm")?.Trim() == "beam.smp");

    /// <summary>A file of /proc, or null when its process has ended meanwhile.</summary>
    private static string? ProcFile(string path)
    {
        try
        {
            return File.ReadAllText($"/proc/{path}");
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    [Trait(TestSubsets.Category, TestSubsets.Smoke)]
    public async Task Redis_answers()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await application.ConnectionStringAsync("cache"));
        var key = $"probe:{Guid.NewGuid():N}";

        await redis.GetDatabase().StringSetAsync(key, "pong", TimeSpan.FromMinutes(1));

        Assert.Equal("pong", (string?)await redis.GetDatabase().StringGetAsync(key));
    }

    [Fact]
    public void Every_service_runs_with_metrics_exported_every_five_seconds_not_every_second()
    {
        foreach (var service in application.Model.Resources.OfType<ProjectResource>())
        {
            Assert.Contains("OTEL_METRIC_EXPORT_INTERVAL=5000", LauncherEnvironment(service));
        }
    }

    [Fact]
    public void By_default_every_service_keeps_every_trace_unless_its_parent_was_not_kept()
    {
        foreach (var service in application.Model.Resources.OfType<ProjectResource>())
        {
            Assert.Contains("OTEL_TRACES_SAMPLER=parentbased_always_on", LauncherEnvironment(service));
            Assert.DoesNotContain(LauncherEnvironment(service), variable => variable.StartsWith("OTEL_TRACES_SAMPLER_ARG=", StringComparison.Ordinal));
        }
    }

    /// <summary>What a running service was started with (its launcher's environment), not what the model says.</summary>
    private string[] LauncherEnvironment(ProjectResource service) =>
        File.ReadAllText($"/proc/{application.ProcessIds(service.Name)[0]}/environ").Split('\0');

    private static bool ContainerEngineAnswers()
    {
        try
        {
            using var docker = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("docker", "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            return docker.WaitForExit(TimeSpan.FromSeconds(10)) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker CLI
        }
    }

    private int ReplicaCount(string name) =>
        application.Model.Resources.Single(r => r.Name == name).Annotations.OfType<Aspire.Hosting.ApplicationModel.ReplicaAnnotation>().Single().Replicas;

    private async Task<NpgsqlConnection> OpenAsync(string resourceName)
    {
        var connection = new NpgsqlConnection(await application.ConnectionStringAsync(resourceName));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> TryReadNoteAsync(NpgsqlConnection replica, string table)
    {
        try
        {
            await using var command = new NpgsqlCommand($"SELECT note FROM {table} WHERE id = 1", replica);
            return (string?)await command.ExecuteScalarAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // the CREATE TABLE has not arrived yet
        }
    }

    private async Task<IConnection> ConnectToClusterAsync(CancellationToken cancellationToken)
    {
        var address = RabbitMQClusterAddress.Parse(await application.ConnectionStringAsync("messaging"));
        var factory = new ConnectionFactory { Uri = address.FirstNode };
        return await factory.CreateConnectionAsync(address.Nodes, cancellationToken);
    }

    private async Task<HttpClient> ManagementClientAsync()
    {
        var address = RabbitMQClusterAddress.Parse(await application.ConnectionStringAsync("messaging"));
        var client = application.App.CreateHttpClient("messaging-1", "management");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(address.FirstNode.UserInfo))));
        return client;
    }
}
