using Birthday.AppHost;
using Birthday.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres primary + streaming replica, a 3-node RabbitMQ cluster and Redis: containers where an engine answers,
// processes of this machine otherwise (Infrastructure:Mode = auto | host | containers).
var infra = builder.AddBirthdayInfrastructure();

// Stand-in for the external email vendor (development, tests, benchmarks); never part of a production export.
var emailSimulator = builder.AddProject<Projects.Birthday_EmailSimulator>("email-simulator")
    .WithHttpHealthCheck("/health");

var api = builder.AddProject<Projects.Birthday_Api>("api")
    .WithReplicas(builder.ReplicaCount("api", 3))
    .WithReference(infra.Database).WaitFor(infra.Database)
    .WithReference(infra.ReadReplica).WaitFor(infra.ReadReplica)
    .WithReference(infra.Messaging).WaitFor(infra.Messaging)
    .WithReference(infra.Cache).WaitFor(infra.Cache)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health");

// The scheduler and the workers start after the api, which owns the database schema and applies its migrations.
builder.AddProject<Projects.Birthday_Scheduler>("scheduler")
    .WithReplicas(builder.ReplicaCount("scheduler", 2))
    .WithReference(infra.Database).WithReference(infra.ReadReplica)
    .WithReference(infra.Messaging)
    .WaitFor(api).WaitFor(infra.Messaging)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Birthday_Worker>("worker")
    .WithReplicas(builder.ReplicaCount("worker", 3))
    .WithReference(infra.Database).WithReference(infra.ReadReplica)
    .WithReference(infra.Messaging)
    .WithReference(emailSimulator)
    .WaitFor(api).WaitFor(infra.Messaging).WaitFor(emailSimulator)
    .WithBirthdaySettings()
    .WithHttpHealthCheck("/health");

// The only public door (nginx's place in the old system): routes /api/v1 to the api replicas.
builder.AddProject<Projects.Birthday_Gateway>("gateway")
    .WithReference(api).WaitFor(api)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
