using MikuCloud.Api.Accounts;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Limits;
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
builder.AddAccounts();
builder.AddUserLimits();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
// After authentication: the request-rate limit is per user.
app.UseRateLimiter();
app.GuardSingleUserBinding();
// The contract is public (it is how scripts learn the API); every operation in it needs a user.
app.MapOpenApi().AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    // API reference UI at /scalar (Development only; the OpenAPI document itself is always served).
    app.MapScalarApiReference().AllowAnonymous();
}
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapAdminEndpoints();
app.MapModelEndpoints();
app.MapConversationEndpoints();
app.MapChatEndpoints();
app.MapStatsEndpoints();

app.Run();
