using Birthday.AppHost;
using Birthday.Hosting;
using Birthday.Hosting.Compose;
using Birthday.Hosting.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres primary + streaming replica, a 3-node RabbitMQ cluster and Redis: containers where an engine answers,
// processes of this machine otherwise (Infrastructure:Mode = auto | host | containers).
var infra = builder.AddBirthdayInfrastructure();

// The email vendor: the simulator while running here, the real vendor's URL (parameter email-service-url) once published.
var emailVendor = builder.AddEmailVendor();

// The key for the api's /admin/v1 operations (re-drive, summary); generated once and kept in the user secrets.
var adminKey = builder.AddParameter("admin-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// api-1..N: the users API, each instance addressed by the gateway on its own; three in the exported files, while running
// here no more than the machine has cores. Every instance applies pending migrations at start (under a database lock,
// so only one does the work).
var api = builder.AddProjectInstances<Projects.Birthday_Api>("api", builder.ReplicaCount("api", builder.CpuBoundReplicas(3)), instance => instance
    .WithReference(infra.Database).WaitFor(infra.Database)
    .WithReference(infra.ReadReplica).WaitFor(infra.ReadReplica)
    .WithReference(infra.Messaging) // not waited for: only the admin dead-letter re-drive needs it
    .WithReference(infra.Cache).WaitFor(infra.Cache)
    .WithEnvironment("Admin__ApiKey", adminKey)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health"));

// While running here, the RabbitMQ nodes boot once the first api instance serves: three Erlang VMs booting take both cores
// for 15–25 s, and the users' door comes first.
infra.BootMessagingAfter(api[0]);

// The scheduler and the workers start alongside the api and wait, before taking work, until it has migrated the schema.
builder.AddProject<Projects.Birthday_Scheduler>("scheduler")
    .WithReplicas(builder.ReplicaCount("scheduler", 2))
    .WithReference(infra.Database).WithReference(infra.ReadReplica)
    .WithReference(infra.Messaging)
    .WaitFor(infra.Database).WaitFor(infra.Messaging)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health");

// Three workers in the exported files; while running here, no more than the machine has cores.
builder.AddProject<Projects.Birthday_Worker>("worker")
    .WithReplicas(builder.ReplicaCount("worker", builder.CpuBoundReplicas(3)))
    .WithReference(infra.Database).WithReference(infra.ReadReplica)
    .WithReference(infra.Messaging)
    .WithEmailVendor(emailVendor)
    .WaitFor(infra.Database).WaitFor(infra.Messaging)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health");

// The only public door: the users API, balanced over every api instance. It starts with them and is healthy once one
// of them is. It answers reads of unchanged users from its memory while it hears the api's change announcements in Redis.
builder.AddProject<Projects.Birthday_Gateway>("gateway")
    .WithClusterDestinations("api", api)
    .WithReference(infra.Cache) // not waited for: without Redis the gateway forwards every read
    .WithForwardedSettings("Gateway")
    // The edge: X-Forwarded-For from a client is never trusted here (rate limits go by the caller's own address).
    .WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "false")
    .WithDirectLaunchProfileEndpoint()
    // HTTPS too while running here, when the AppHost is given a certificate (GatewayCertificate:Path and :Password).
    .WithHttpsWhenCertificateGiven("GatewayCertificate")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health", endpointName: "http");

// While running here, each service starts from its build output rather than through `dotnet run --no-build` (an MSBuild
// evaluation per process before it starts, and a 135 MB process beside it for its life); under an IDE, the IDE's way.
builder.StartProjectsFromTheirBuildOutput();

// While running here, a service whose launcher was killed outright ends itself instead of running on unowned.
builder.StopServicesWithTheirLauncher();

// While running, metrics reach the dashboard every 5 s (Dashboard:MetricExportInterval) rather than Aspire's every second.
builder.ExportMetricsEveryFewSeconds();

// While running here, every trace is kept unless its parent was deliberately not recorded (a health probe's), or the
// share Telemetry:TraceSampleRatio gives, sampled as the exported files sample (a load test as production would run it).
builder.SampleTracesWhileRunning();

// `--operation publish --step publish-compose` writes aspire-manifest.json and, from it, deploy/docker-compose.prod.yml.
builder.AddComposeExport();

builder.Build().Run();
