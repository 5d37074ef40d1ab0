using Birthday.Api.Apis;
using Birthday.Api.Extensions;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Birthday.Core.Time;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationClock();
builder.AddBirthdayData();
builder.AddBirthdayMessaging();
builder.AddUsersApi();

var app = builder.Build();
app.UseGatewayContract();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapUsersEndpoints();
app.MapAdminEndpoints();

await app.MigrateBirthdayDatabaseAsync();
app.Run();
