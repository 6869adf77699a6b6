using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Models;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.AddHouseModels();
builder.AddChatDatabase();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapModelEndpoints();
app.MapConversationEndpoints();

app.Run();
