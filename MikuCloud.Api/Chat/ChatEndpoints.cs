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

    /// <summary>The query parameter that makes a client disconnect stop the answer (default: it goes on).</summary>
    public const string CancelOnDisconnectParameter = "cancelOnDisconnect";

    private const string StreamDescription =
        "Answers text/event-stream: event 'user' (the saved message), 'citations' {citations} (with knowledge bases: the passages the answer is given, " +
        "numbered as it cites them), 'delta' {text}, then 'done' (the saved answer with status, usage, timings, citations) " +
        "or 'error' {code, message, messageId} (the partial answer is saved as failed). Comment lines are heartbeats. " +
        "Every delta has an id: the answer's length in characters after it. The answer keeps generating when the client goes away (a reload, " +
        "a lost network): attach again with GET …/messages/{messageId}/stream and the last id; only POST …/messages/{messageId}/stop cancels it. " +
        "cancelOnDisconnect=true (query) stops it when the client goes away instead. ";

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
            .WithDescription("multipart/form-data (content, images files, presetId, options as JSON, parentId, editOf) or JSON " +
                             "{content, images:[{mediaType, data}], presetId, options, parentId, editOf}. The question follows the chosen branch's last message; " +
                             "editOf (a question: the new one is its edited sibling) or parentId (the message it follows) starts a new branch, which becomes the chosen one. " +
                             StreamDescription +
                             "429 (with Retry-After) saves nothing; a 429/503 from the model server after the message was saved carries its messageId: retry with regenerate.");

        group.MapPost("/{messageId:guid}/regenerate", RegenerateAsync)
            .Accepts<RegenerateRequest>("application/json")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Answer the chosen branch's last question again, streamed like a new message; the earlier answers stay, as its siblings.")
            .WithDescription(StreamDescription);

        group.MapPost("/{messageId:guid}/continue", ContinueAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Continue an answer that was cut off (truncated) or stopped (cancelled, interrupted), in place.")
            .WithDescription("The model gets the answer so far as the last assistant message and continues it. Streamed like regenerate: " +
                             "'delta' events carry only the new text; 'done' carries the whole answer, its usage and timings added up. " +
                             "409 not_continuable for any other message (a finished answer, a question, an answer with messages after it). " +
                             "Like the other streams, the answer goes on when the client goes away unless cancelOnDisconnect=true.");

        group.MapLiveAnswerEndpoints();
        return app;
    }

    private static async Task<ChatStreamResult> StartConversationAsync(string? cancelOnDisconnect, HttpContext http, IncomingMessageReader reader, TurnEngine turns)
    {
        var cancel = ParseCancelOnDisconnect(cancelOnDisconnect);
        var input = await reader.ReadStartAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.StartConversation(CurrentOwner.Of(http), new NewConversation(input.Title, input.SystemPrompt, input.KnowledgeBaseIds),
            new TurnQuestion(input.Content, input.Images), input.PresetId, input.Options, Door).ForModel(input.Model);
        return await StreamAsync(request, cancel, http, turns);
    }

    private static async Task<ChatStreamResult> SendAsync(Guid id, string? cancelOnDisconnect, HttpContext http, IncomingMessageReader reader, TurnEngine turns)
    {
        var cancel = ParseCancelOnDisconnect(cancelOnDisconnect);
        var input = await reader.ReadAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.Ask(CurrentOwner.Of(http), id, new TurnQuestion(input.Content, input.Images), input.PresetId, input.Options, Door)
            .Branching(input.ParentId, input.EditOf);
        return await StreamAsync(request, cancel, http, turns);
    }

    private static async Task<ChatStreamResult> ContinueAsync(Guid id, Guid messageId, string? cancelOnDisconnect, HttpContext http, TurnEngine turns) =>
        await StreamAsync(TurnRequest.Continue(CurrentOwner.Of(http), id, messageId, Door), ParseCancelOnDisconnect(cancelOnDisconnect), http, turns);

    private static async Task<ChatStreamResult> RegenerateAsync(Guid id, Guid messageId, string? cancelOnDisconnect, HttpContext http, TurnEngine turns)
    {
        var cancel = ParseCancelOnDisconnect(cancelOnDisconnect);
        var body = await RegenerateRequestReader.ReadAsync(http.Request, http.RequestAborted);
        var request = TurnRequest.AnswerAgain(CurrentOwner.Of(http), id, messageId, body?.PresetId, body?.Options, Door);
        return await StreamAsync(request, cancel, http, turns);
    }

    /// <summary>This door's rule: the answer outlives its reader unless the client asks otherwise.</summary>
    private static async Task<ChatStreamResult> StreamAsync(TurnRequest request, bool cancelOnDisconnect, HttpContext http, TurnEngine turns) =>
        new(await turns.StartAsync(request.KeepAnsweringWithoutReader(cancelOnDisconnect), http.RequestAborted), cancelOnDisconnect);

    private static bool ParseCancelOnDisconnect(string? value) =>
        string.IsNullOrEmpty(value) ? false
        : bool.TryParse(value, out var cancel) ? cancel
        : throw ApiProblem.Invalid(CancelOnDisconnectParameter, "cancelOnDisconnect must be true or false.");
}
