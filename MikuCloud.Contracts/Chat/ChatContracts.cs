using System.Text.Json.Nodes;

namespace MikuCloud.Contracts;

/// <summary>
/// The JSON form of <c>POST /api/conversations/{id}/messages</c> (multipart carries the same fields, images as files);
/// the answer is a stream of <c>user</c>, <c>delta</c>, then <c>done</c> or <c>error</c> events.
/// </summary>
public sealed record SendMessageRequest(string? Content, IReadOnlyList<ImageUpload>? Images, string? PresetId, JsonObject? Options);

/// <summary>
/// The JSON form of <c>POST /api/conversations/messages</c>: a new conversation and its first message in one call
/// (multipart carries the same fields, images as files). The stream starts with a <c>conversation</c> event.
/// </summary>
/// <remarks>
/// <c>model</c> is the conversation's chat model (left out: the default). A left-out <c>title</c> is derived from the first message by the API's one title rule. Nothing is created when the
/// turn is refused before its stream starts (400, 413, 415, 429, 503). <c>knowledgeBaseIds</c> (multipart: the field
/// repeated, or one comma-separated value) are the conversation's knowledge bases, used from this first answer on.
/// </remarks>
public sealed record StartConversationRequest(string? Content, IReadOnlyList<ImageUpload>? Images, string? PresetId, JsonObject? Options,
    string? Title = null, string? SystemPrompt = null, string? Model = null, IReadOnlyList<Guid>? KnowledgeBaseIds = null);

/// <summary>An image in the JSON form of <c>POST /api/conversations/{id}/messages</c> (<c>data</c> in base64).</summary>
public sealed record ImageUpload(string? MediaType, string? Data);

/// <summary>
/// The optional body of <c>POST /api/conversations/{id}/messages/{messageId}/regenerate</c>: another preset or options
/// for the new answer (left out: the conversation's).
/// </summary>
public sealed record RegenerateRequest(string? PresetId = null, JsonObject? Options = null);

/// <summary>
/// The data of the chat stream's <c>citations</c> event: the knowledge passages the answer is given, numbered as it
/// will cite them (<c>[1]</c>, <c>[2]</c>); sent before the first <c>delta</c>, and only when the conversation uses knowledge bases.
/// </summary>
public sealed record CitationsDto(IReadOnlyList<CitationDto> Citations);

/// <summary>The data of the chat stream's <c>delta</c> event: the next piece of the answer.</summary>
public sealed record DeltaDto(string Text);

/// <summary>
/// Event names of the chat stream (<c>text/event-stream</c> from <c>POST …/messages</c> and <c>…/regenerate</c>):
/// <see cref="User"/>, <see cref="Citations"/> (with knowledge bases), any number of <see cref="Delta"/>, then <see cref="Done"/> or <see cref="Error"/>.
/// </summary>
/// <remarks>Clients ignore names they do not know, so the API can add events without breaking them.</remarks>
public static class ChatStreamEvents
{
    /// <summary>
    /// The conversation just created (<see cref="ConversationDto"/>); first event of <c>POST /api/conversations/messages</c> only.
    /// </summary>
    public const string Conversation = "conversation";

    /// <summary>The user's message as saved (<see cref="MessageDto"/>, with the processed images).</summary>
    public const string User = "user";

    /// <summary>
    /// The passages retrieved from the conversation's knowledge bases (<see cref="CitationsDto"/>), before the first
    /// <see cref="Delta"/>; not sent when the conversation uses none.
    /// </summary>
    public const string Citations = "citations";

    /// <summary>A piece of the answer (<see cref="DeltaDto"/>).</summary>
    public const string Delta = "delta";

    /// <summary>The answer as saved (<see cref="MessageDto"/>: status, usage, timings).</summary>
    public const string Done = "done";

    /// <summary>Generation failed or was stopped (<see cref="ErrorDto"/>); the partial answer is saved.</summary>
    public const string Error = "error";
}
