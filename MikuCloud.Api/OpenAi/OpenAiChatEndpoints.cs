using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Images;
using MikuCloud.Api.Models;
using MikuCloud.Api.OpenAi.ImageUrls;
using MikuCloud.Api.Requests;
using MikuCloud.Api.Turns;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: OpenAI's Chat Completions over MikuCloud's turn engine — the same limits,
/// admission, image pipeline and telemetry as the chat API, stateless like OpenAI's (nothing is stored).
/// </summary>
public static class OpenAiChatEndpoints
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "openai";

    public static IEndpointRouteBuilder MapOpenAiChatEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var chat = app.ServiceProvider.GetRequiredService<IOptions<ChatServerOptions>>().Value;
        var images = app.ServiceProvider.GetRequiredService<IOptions<ImagePipelineOptions>>().Value;
        app.MapPost(OpenAiProblemWriter.PathPrefix + "/chat/completions", CompleteAsync)
            .WithTags("OpenAI-compatible")
            .Accepts<JsonObject>("application/json")
            // Images travel as base64 data URLs inside the JSON, as in the chat API's JSON form.
            .WithBodyLimit(IncomingMessageReader.MaxBodyBytes(chat, images))
            .Produces<ChatCompletionObject>()
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(502).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("OpenAI-compatible Chat Completions (streaming and not), with images, tools and JSON output.")
            .WithDescription("OpenAI's request and response shapes; model is an id from GET /v1/models. Errors use OpenAI's shape " +
                             "{\"error\": {message, type, param, code}}. Stateless like OpenAI's: with store: true the exchange is saved as a conversation in the caller's history. A client that goes away stops the answer at once.");
        return app;
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, OpenAiModelIds ids, HouseModelSwitches switches, HouseModelCatalog catalog,
        ChatCompletionImages images, TurnEngine turns, TimeProvider time)
    {
        var request = ChatCompletionReader.Read(await ReadBodyAsync(http.Request, http.RequestAborted));
        var model = ids.Find(request.Model, await switches.EnabledAsync(http.RequestAborted));
        // A house model that is off or not for chat is the turn engine's 400 invalid_model, as on every door; other ids are OpenAI's 404.
        var name = model?.Model.Name ?? (catalog.FindModel(OpenAiModelIds.NameOf(request.Model) ?? "") is { } known ? known.Name : throw OpenAiModelEndpoints.NotFound(request.Model));
        request = await images.FetchAsync(request, http.RequestAborted);
        var turn = TurnRequest.Answer(CurrentOwner.Of(http), ChatCompletionTranscript.From(request), model?.Preset.Id, request.Options, Door, request.Store).ForModel(name);
        var run = await turns.StartAsync(turn, http.RequestAborted);
        var id = model?.Id ?? name;
        return request.Stream
            ? new ChatCompletionStreamResult(run, id, request.IncludeUsage, time)
            : TypedResults.Json(await ChatCompletionCollector.CollectAsync(run, id, time, http.RequestAborted), OpenAiJson.Options);
    }

    /// <summary>The door's JSON body (every <c>/v1</c> operation's): 415 for another type, 400 for malformed JSON or text.</summary>
    internal static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw JsonErrors.Malformed(ex);
        }

        using (document)
        {
            if (JsonText.FindInvalid(document.RootElement) is { } invalid)
            {
                throw JsonErrors.InvalidText(invalid);
            }

            return JsonObject.Create(document.RootElement.Clone()) ?? throw new ApiProblem(400, ProblemCodes.MalformedJson, "The body must be a JSON object.");
        }
    }
}
