using System.Text.Json.Nodes;

namespace MikuCloud.Api.Turns;

/// <summary>
/// One turn as any door asks for it (the SSE chat endpoint today; an OpenAI-compatible endpoint, an MCP tool or a
/// batch job tomorrow): who asks, where, what, and with which preset and options. Nothing of HTTP.
/// </summary>
/// <remarks>
/// Build it with <see cref="Ask"/> (and <see cref="Branching"/>), <see cref="StartConversation"/>, <see cref="AnswerAgain"/>,
/// <see cref="Continue"/> or <see cref="Answer"/>.
/// </remarks>
public sealed record TurnRequest
{
    private TurnRequest(string ownerId, string door) => (OwnerId, Door) = (ownerId, door);

    /// <summary>The account the turn runs for: only its conversations are found, its limits apply.</summary>
    public string OwnerId { get; }

    /// <summary>The conversation; null when <see cref="Start"/> creates one.</summary>
    public Guid? ConversationId { get; private init; }

    /// <summary>A conversation to create with this turn (its title and system prompt), or null.</summary>
    public NewConversation? Start { get; private init; }

    /// <summary>The new question, or null to answer the last question again (<see cref="AnswerAgainFrom"/>).</summary>
    public TurnQuestion? Question { get; private init; }

    /// <summary>The last answer (replaced) or the last question (answered again) when <see cref="Question"/> is null.</summary>
    public Guid? AnswerAgainFrom { get; private init; }

    /// <summary>The message a new question follows (a new branch from there); null: the chosen branch's last message.</summary>
    public Guid? ParentId { get; private init; }

    /// <summary>The question a new question edits (it becomes its sibling, on a new branch); null for none.</summary>
    public Guid? EditOf { get; private init; }

    /// <summary>A cut-off or stopped answer to continue in place (no <see cref="Question"/>).</summary>
    public Guid? ContinueFrom { get; private init; }

    /// <summary>A preset for this turn (null: the conversation's).</summary>
    public string? PresetId { get; private init; }

    /// <summary>
    /// The chat model (a house model's name) for a new conversation or a sent history; null for the default. A stored
    /// conversation's turns use the conversation's model.
    /// </summary>
    public string? Model { get; private init; }

    /// <summary>Ollama option overrides for this turn (the conversation's own, for a new conversation).</summary>
    public JsonObject? Options { get; private init; }

    /// <summary>A history sent by the caller instead of a stored conversation.</summary>
    public Transcript? Transcript { get; private init; }

    /// <summary>With <see cref="Transcript"/>: save it and the answer as a new conversation (OpenAI's <c>store</c>); otherwise nothing is stored.</summary>
    public bool StoreTranscript { get; private init; }

    /// <summary>Which door asked (for telemetry), e.g. <c>chat</c>.</summary>
    public string Door { get; }

    /// <summary>
    /// Background work (a batch item): runs only on capacity chat leaves idle and gives it back when a chat needs it,
    /// holds none of the user's stream slots; refused at once (429 <c>busy</c>) rather than queued.
    /// </summary>
    public bool Background { get; private init; }

    /// <summary>
    /// The transcript's images already went through the image pipeline (a batch item's, at upload): sent as they are,
    /// not decoded and encoded again (which costs CPU per item and loses JPEG quality each time).
    /// </summary>
    public bool ImagesProcessed { get; private init; }

    /// <summary>A new question in an existing conversation (after the chosen branch's last message).</summary>
    public static TurnRequest Ask(string ownerId, Guid conversationId, TurnQuestion question, string? presetId, JsonObject? options, string door) =>
        new(ownerId, door) { ConversationId = conversationId, Question = question, PresetId = presetId, Options = options };

    /// <summary>The same question placed on a new branch: after <paramref name="parentId"/>, or as an edit of <paramref name="editOf"/>.</summary>
    public TurnRequest Branching(Guid? parentId, Guid? editOf) => this with { ParentId = parentId, EditOf = editOf };

    /// <summary>More of a cut-off (<c>length</c>) or stopped answer, appended to it in place.</summary>
    public static TurnRequest Continue(string ownerId, Guid conversationId, Guid answerId, string door) =>
        new(ownerId, door) { ConversationId = conversationId, ContinueFrom = answerId };

    /// <summary>A new conversation and its first question.</summary>
    public static TurnRequest StartConversation(string ownerId, NewConversation start, TurnQuestion question, string? presetId, JsonObject? options, string door) =>
        new(ownerId, door) { Start = start, Question = question, PresetId = presetId, Options = options };

    /// <summary>An answer to a history the caller sent (stored only with <paramref name="store"/>; the same limits, admission and telemetry).</summary>
    public static TurnRequest Answer(string ownerId, Transcript transcript, string? presetId, JsonObject? options, string door, bool store = false) =>
        new(ownerId, door) { Transcript = transcript, PresetId = presetId, Options = options, StoreTranscript = store };

    /// <summary>
    /// An answer to a history, as background work (<see cref="Background"/>) over images the pipeline already processed
    /// (<see cref="ImagesProcessed"/>): nothing is stored, the same limits and telemetry.
    /// </summary>
    public static TurnRequest AnswerInBackground(string ownerId, Transcript transcript, string? presetId, JsonObject? options, string door) =>
        new(ownerId, door) { Transcript = transcript, PresetId = presetId, Options = options, Background = true, ImagesProcessed = true };

    /// <summary>
    /// Whether the answer stops when the door's reader goes away (its token is cancelled). True for every door but the
    /// native chat API, which keeps generating by default (<see cref="KeepAnsweringWithoutReader"/>): readers reattach, only Stop cancels.
    /// </summary>
    public bool CancelOnDisconnect { get; private init; } = true;

    /// <summary>The same request, answered to the end even when its reader goes away unless <paramref name="cancelOnDisconnect"/>.</summary>
    public TurnRequest KeepAnsweringWithoutReader(bool cancelOnDisconnect = false) => this with { CancelOnDisconnect = cancelOnDisconnect };

    /// <summary>The same request for <paramref name="model"/> (see <see cref="Model"/>).</summary>
    public TurnRequest ForModel(string? model) => this with { Model = model };

    /// <summary>A new answer to the conversation's last question.</summary>
    public static TurnRequest AnswerAgain(string ownerId, Guid conversationId, Guid messageId, string? presetId, JsonObject? options, string door) =>
        new(ownerId, door) { ConversationId = conversationId, AnswerAgainFrom = messageId, PresetId = presetId, Options = options };
}
