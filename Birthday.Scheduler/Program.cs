using Birthday.Core.Messaging;
using Birthday.Core.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBirthdayData();
builder.AddBirthdayMessaging();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
