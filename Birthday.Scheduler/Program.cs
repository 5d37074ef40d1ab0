using Birthday.Core.Messages;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Birthday.Core.Time;
using Birthday.Scheduler;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationClock();
builder.AddBirthdayData();
builder.AddBirthdayMessaging();
builder.AddOccasionRules();
builder.AddMessageScheduling();

var app = builder.Build();
app.MapDefaultEndpoints();

await app.WaitForBirthdaySchemaAsync();
app.Run();
