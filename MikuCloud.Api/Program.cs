using MikuCloud.Api.Accounts;
using MikuCloud.Api.Batches;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Api.Limits;
using MikuCloud.Api.Mcp;
using MikuCloud.Api.Models;
using MikuCloud.Api.Ollama;
using MikuCloud.Api.OpenAi;
using MikuCloud.Api.Requests;
using MikuCloud.Api.ScaleOut;
using MikuCloud.Api.Stats;
using MikuCloud.Api.Usage;
using Scalar.AspNetCore;

// A refusal while building (settings, Modelfiles) is one line and exit code 1, like one while starting (RunOrExplain).
StartupRefusal.ExplainRefusals(typeof(Program).Assembly);
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// The OpenAI-compatible door writes its errors in OpenAI's shape; registered first so its writer comes before the default.
builder.AddOpenAiDoor();
builder.AddMcpDoor();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = MikuCloud.Api.ProblemCodeFallback.Apply);
builder.Services.AddExceptionHandler<MikuCloud.Api.DatabaseUnavailableHandler>();
builder.Services.AddExceptionHandler<MikuCloud.Api.Requests.BadRequestBodyHandler>();
// Every refusal an endpoint throws (ApiProblem) is answered here, in one shape.
builder.Services.AddExceptionHandler<MikuCloud.Api.ApiProblemHandler>();
// Minimal APIs answer a body they cannot bind with a bare 400 outside Development; thrown instead, it reaches
// BadRequestBodyHandler and becomes a problem with a `code` in every environment.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "MikuCloud API";
    // No servers entry: the default would copy the caller's Host header into the document. Clients use the document's own origin.
    document.Servers?.Clear();
    document.Info.Description =
        "Multimodal chat with Qwen3-VL through Ollama. JSON is camelCase; option names inside `options` are Ollama's " +
        "(temperature, top_p, top_k, repeat_penalty, presence_penalty, frequency_penalty, num_predict, num_ctx, seed, stop, min_p). " +
        "Errors are RFC 7807 problem details with a `code`. Chat answers stream as server-sent events. " +
        "Every operation needs a personal API key (create one on the Web's Account page) sent as `Authorization: Bearer mkc_…`; " +
        "the Web itself calls with short-lived user tokens. Another user's ids answer 404, like unknown ones. " +
        "Per-user limits answer 429 with Retry-After.";
    document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
    document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
    document.Components.SecuritySchemes["apiKey"] = new Microsoft.OpenApi.OpenApiSecurityScheme
    {
        Type = Microsoft.OpenApi.SecuritySchemeType.Http,
        Scheme = "bearer",
        Description = "A personal API key (mkc_…), or the Web's user token.",
    };
    document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
    return Task.CompletedTask;
}));
builder.AddHouseModels();
// Before the limits and the router: with ConnectionStrings:redis, their stores are shared by every API process.
builder.AddScaleOut();
builder.AddOllamaReplicas();
builder.AddChatDatabase();
builder.AddChat();
builder.AddAccounts();
builder.AddUserLimits();
builder.AddBatches();
builder.AddKnowledge();
builder.AddKnowledgeSearch();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
// Each operation's largest body (endpoint metadata; a small default otherwise), before anyone reads one.
app.UseBodyLimits();
// JSON only in UTF-8: the same answer (415) whether an operation binds its body or parses it itself.
app.UseUtf8Json();
app.UseAuthentication();
app.UseAuthorization();
// After authentication: the request-rate limit is per user.
app.UseRequestRateLimit();
// The contract is public (it is how scripts learn the API); every operation in it needs a user.
app.MapOpenApi().AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    // API reference UI at /scalar (Development only; the OpenAPI document itself is always served).
    app.MapScalarApiReference().AllowAnonymous();
}
app.MapDefaultEndpoints();
app.MapAccountApiEndpoints();
app.MapAdminEndpoints();
app.MapAdminUsageEndpoints();
app.MapModelEndpoints();
app.MapAdminModelEndpoints();
app.MapConversationEndpoints();
app.MapChatEndpoints();
app.MapStatsEndpoints();
app.MapBatchEndpoints();
app.MapKnowledgeEndpoints();
app.MapKnowledgeSearchEndpoints();
app.MapOpenAiEndpoints();
app.MapMcpDoor();

// A refused start (invalid options, single-user mode on a network address, the database or the port unusable) ends here
// with one line and exit code 1, as the AppHost does for a missing container engine, not a stack trace.
return app.RunOrExplain();
