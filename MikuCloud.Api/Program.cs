using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Models;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.AddHouseModels();
builder.AddChatDatabase();
builder.AddChat();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapModelEndpoints();
app.MapChatEndpoints();

app.Run();
