using Birthday.EmailSimulator;
using Birthday.EmailSimulator.Endpoints;

// TEST DOUBLE. This service stands in for the external email vendor in development, tests and benchmarks, and injects
// the vendor's bad days on demand (errors, hangs, lost answers, latency, 429s, outages). It is never part of a production
// export: production sends through the real vendor.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEmailSimulator();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapSendEmailEndpoint();
app.MapInspectionEndpoints();
app.MapSimulatorAdminEndpoints();
app.Run();
