namespace MikuCloud.Api.Turns;

/// <summary>
/// What a running turn tells its door, in order: <see cref="ConversationCreated"/> (a new conversation only),
/// <see cref="QuestionSaved"/>, <see cref="CitationsFound"/> (with knowledge bases), any number of <see cref="AnswerDelta"/> and <see cref="Heartbeat"/>, then
/// <see cref="AnswerDone"/> or <see cref="AnswerFailed"/>. The data are the API's contract records.
/// </summary>
public abstract record TurnEvent
{
    private TurnEvent()
    {
    }

    /// <summary>The conversation this turn created.</summary>
    public sealed record ConversationCreated(ConversationDto Conversation) : TurnEvent;

    /// <summary>The question as saved (with its processed images).</summary>
    public sealed record QuestionSaved(MessageDto Message) : TurnEvent;

    /// <summary>The knowledge passages the answer is given, numbered as it cites them; before the first delta.</summary>
    public sealed record CitationsFound(IReadOnlyList<CitationDto> Citations) : TurnEvent;

    /// <summary>The next piece of the answer.</summary>
    public sealed record AnswerDelta(string Text) : TurnEvent
    {
        /// <summary>
        /// For a stored answer, its length in characters after this piece (the SSE event id a reader reattaches with);
        /// 0 when the answer is not stored.
        /// </summary>
        public int End { get; init; }
    }

    /// <summary>The model asks for a function to be called (only when the turn offered tools).</summary>
    public sealed record ToolCallRequested(TranscriptToolCall Call) : TurnEvent;

    /// <summary>Nothing new for a while, but the turn is alive (doors keep idle connections open with it).</summary>
    public sealed record Heartbeat : TurnEvent
    {
        /// <summary>The one heartbeat.</summary>
        public static Heartbeat Instance { get; } = new();
    }

    /// <summary>The answer as saved: status, usage, timings.</summary>
    public sealed record AnswerDone(MessageDto Message) : TurnEvent;

    /// <summary>Generation failed or was stopped; the partial answer is saved.</summary>
    public sealed record AnswerFailed(ErrorDto Error) : TurnEvent;
}
