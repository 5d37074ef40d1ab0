using Birthday.Api.Apis;
using Birthday.Api.Extensions;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Birthday.Core.Time;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationClock();
builder.AddBirthdayData();
// Only the dead-letter re-drive uses the broker: the users API serves without it.
builder.AddBirthdayMessaging(neededToServe: false);
builder.AddUsersApi();
builder.AddRequestPathWarmUp();

var app = builder.Build();
app.UseGatewayContract();
app.UseProblemAnswers();
app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapUsersEndpoints();
app.MapAdminEndpoints();

await app.MigrateBirthdayDatabaseAsync();
app.Run();
