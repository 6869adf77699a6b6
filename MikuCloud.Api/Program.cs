using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Models;
using MikuCloud.Api.Stats;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<MikuCloud.Api.DatabaseUnavailableHandler>();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "MikuCloud API";
    document.Info.Description =
        "Multimodal chat with Qwen3-VL through Ollama. JSON is camelCase; option names inside `options` are Ollama's " +
        "(temperature, top_p, top_k, repeat_penalty, presence_penalty, frequency_penalty, num_predict, num_ctx, seed, stop, min_p). " +
        "Errors are RFC 7807 problem details with a `code`. Chat answers stream as server-sent events.";
    return Task.CompletedTask;
}));
builder.AddHouseModels();
builder.AddChatDatabase();
builder.AddChat();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    // API reference UI at /scalar (Development only; the OpenAPI document itself is always served).
    app.MapScalarApiReference();
}
app.MapDefaultEndpoints();
app.MapModelEndpoints();
app.MapConversationEndpoints();
app.MapChatEndpoints();
app.MapStatsEndpoints();

app.Run();
