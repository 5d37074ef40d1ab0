using Birthday.Core.Messages;
using Birthday.Core.Messaging;
using Birthday.Core.Persistence;
using Birthday.Core.Time;
using Birthday.Worker;
using Birthday.Worker.Sending;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationClock();
builder.AddBirthdayData();
builder.AddBirthdayMessaging();
builder.AddOccasionRules();
builder.AddEmailClient();
builder.AddMessageDelivery();

var app = builder.Build();
app.MapDefaultEndpoints();

await app.WaitForBirthdaySchemaAsync();
app.Run();
