using Birthday.Gateway;
using Birthday.Gateway.ReadCache;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayServer();
builder.AddApiReverseProxy();
builder.AddClientRateLimits();
builder.AddUserReadCache();

var app = builder.Build();
app.UseSecurityHeaders();
app.UseRequestIds();
app.UseProblemBodies();
app.UsePathGuard();
app.UseResponseCompression();
app.UseBodyLimits();
app.UseRateLimiter();
app.MapGatewayHealth();
app.MapApiReverseProxy();
app.Run();
