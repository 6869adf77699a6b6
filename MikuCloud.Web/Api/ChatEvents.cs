namespace MikuCloud.Web.Api;

/// <summary>
/// One event of the chat stream (<c>text/event-stream</c> from <c>POST …/messages</c> or <c>…/regenerate</c>), as the
/// UI consumes it. The wire names and data are the contract's (<see cref="ChatStreamEvents"/>, <see cref="MessageDto"/>,
/// <see cref="DeltaDto"/>, <see cref="ErrorDto"/>); <see cref="MikuApiClient.Parse"/> maps them onto these.
/// </summary>
public abstract record ChatEvent;

/// <summary><c>event: conversation</c> — the conversation a new chat's first message just created (first event of <c>POST /api/conversations/messages</c>).</summary>
public sealed record ConversationStarted(ConversationDto Conversation) : ChatEvent;

/// <summary><c>event: user</c> — the user's message as saved (with processed image ids).</summary>
public sealed record UserMessageSaved(MessageDto Message) : ChatEvent;

/// <summary><c>event: citations</c> — the knowledge passages the answer is given, numbered as it cites them, before its first delta.</summary>
public sealed record CitationsGiven(IReadOnlyList<CitationDto> Citations) : ChatEvent;

/// <summary><c>event: delta</c> — a chunk of the answer.</summary>
public sealed record AnswerDelta(string Text) : ChatEvent;

/// <summary><c>event: done</c> — the assistant message as saved (status, usage, timings).</summary>
public sealed record AnswerDone(MessageDto Message) : ChatEvent;

/// <summary><c>event: error</c> — generation failed; the partial answer is saved as <c>failed</c>.</summary>
public sealed record AnswerFailed(ErrorDto Error) : ChatEvent;

/// <summary>An image to send: an upload held by the Web's <see cref="Uploads.UploadStore"/>.</summary>
public sealed record OutgoingImage(string FileName, string MediaType, Func<Stream> Open);

/// <summary>
/// What the user sends: text, images, and the preset/options to answer with; a new chat's first message also carries
/// its model and the knowledge bases to answer from; <see cref="EditOf"/> names the question it edits (the API answers
/// it on a new branch).
/// </summary>
public sealed record OutgoingMessage(string Content, IReadOnlyList<OutgoingImage> Images, string? PresetId, System.Text.Json.Nodes.JsonObject? Options,
    string? Model = null, IReadOnlyList<Guid>? KnowledgeBaseIds = null)
{
    /// <summary>The question this one edits (it becomes its sibling); null for a new question.</summary>
    public Guid? EditOf { get; init; }
}
