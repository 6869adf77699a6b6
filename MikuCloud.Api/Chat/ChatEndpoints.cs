using Microsoft.Extensions.Options;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Images;
using MikuCloud.Api.Requests;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Chat;

/// <summary>
/// <c>POST /api/conversations/messages</c>, <c>POST …/{id}/messages</c> and <c>…/messages/{messageId}/regenerate</c>:
/// answers streamed as server-sent events. A refusal is thrown as an <see cref="ApiProblem"/> and answered by
/// <see cref="ApiProblemHandler"/>, before the stream starts.
/// </summary>
public static class ChatEndpoints
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "chat";

    private const string StreamDescription =
        "Answers text/event-stream: event 'user' (the saved message), 'citations' {citations} (with knowledge bases: the passages the answer is given, " +
        "numbered as it cites them), 'delta' {text}, then 'done' (the saved answer with status, usage, timings, citations) " +
        "or 'error' {code, message, messageId} (the partial answer is saved as failed). Comment lines are heartbeats. ";

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var chat = app.ServiceProvider.GetRequiredService<IOptions<ChatServerOptions>>().Value;
        var images = app.ServiceProvider.GetRequiredService<IOptions<ImagePipelineOptions>>().Value;

        app.MapPost("/api/conversations/messages", StartConversationAsync)
            .WithTags("Chat")
            .WithName("StartConversation")
            .Accepts<StartConversationRequest>("application/json", "multipart/form-data")
            .WithBodyLimit(IncomingMessageReader.MaxStartBodyBytes(chat, images))
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Start a conversation with its first message (text and images) and stream the answer, in one call.")
            .WithDescription("The fields of sending a message (multipart/form-data or JSON: content, images, presetId, options) and of creating a " +
                             "conversation (title, systemPrompt, model, knowledgeBaseIds); presetId and options become the conversation's. A left-out or blank title is the " +
                             "first line of the message (at most 40 characters, then …; \"图片 · Image\" for images only). " +
                             "The stream starts with event 'conversation' (the created conversation), then as for a message: " + StreamDescription +
                             "Nothing is created when the message is refused before the stream starts (400, 413, 415, 429). A 429/503 from the model " +
                             "server after the message was saved carries its messageId and conversationId: retry with regenerate.");

        var group = app.MapGroup("/api/conversations/{id:guid}/messages").WithTags("Chat");
        group.MapPost("", SendAsync)
            .Accepts<SendMessageRequest>("application/json", "multipart/form-data")
            .WithBodyLimit(IncomingMessageReader.MaxBodyBytes(chat, images))
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Send a message (text and images) and stream the answer.")
            .WithDescription("multipart/form-data (content, images files, presetId, options as JSON) or JSON {content, images:[{mediaType, data}], presetId, options}. " +
                             StreamDescription +
                             "429 (with Retry-After) saves nothing; a 429/503 from the model server after the message was saved carries its messageId: retry with regenerate.");

        group.MapPost("/{messageId:guid}/regenerate", RegenerateAsync)
            .Accepts<RegenerateRequest>("application/json")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Answer the last question again (replacing the last answer), streamed like a new message.");
        return app;
    }

    private static async Task<ChatStreamResult> StartConversationAsync(HttpContext http, IncomingMessageReader reader, TurnEngine turns)
    {
        var input = await reader.ReadStartAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.StartConversation(CurrentOwner.Of(http), new NewConversation(input.Title, input.SystemPrompt, input.KnowledgeBaseIds),
            new TurnQuestion(input.Content, input.Images), input.PresetId, input.Options, Door).ForModel(input.Model);
        return new ChatStreamResult(await turns.StartAsync(request, http.RequestAborted));
    }

    private static async Task<ChatStreamResult> SendAsync(Guid id, HttpContext http, IncomingMessageReader reader, TurnEngine turns)
    {
        var input = await reader.ReadAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.Ask(CurrentOwner.Of(http), id, new TurnQuestion(input.Content, input.Images), input.PresetId, input.Options, Door);
        return new ChatStreamResult(await turns.StartAsync(request, http.RequestAborted));
    }

    private static async Task<ChatStreamResult> RegenerateAsync(Guid id, Guid messageId, HttpContext http, TurnEngine turns)
    {
        var body = await RegenerateRequestReader.ReadAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.AnswerAgain(CurrentOwner.Of(http), id, messageId, body?.PresetId, body?.Options, Door);
        return new ChatStreamResult(await turns.StartAsync(request, http.RequestAborted));
    }
}
