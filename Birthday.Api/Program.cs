using Birthday.Core.Messaging;
using Birthday.Core.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBirthdayData();
builder.AddBirthdayMessaging();
builder.AddRedisClient("cache");

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
