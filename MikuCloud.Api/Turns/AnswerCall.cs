using System.Diagnostics;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace MikuCloud.Api.Turns;

/// <summary>
/// An admitted turn whose question is saved, ready for <see cref="AnswerRunner"/>: the saved messages, the prompt, the
/// options, and the tags its metrics carry. <see cref="Created"/> is the conversation it created, if it did.
/// </summary>
public sealed record AnswerCall(string OwnerId, Conversation? Created, Message Question, Message Answer, List<AiChatMessage> Messages,
    ChatOptions Options, PromptPlan Plan, TagList Tags)
{
    /// <summary>
    /// False for a transcript turn: its question and answer are not stored (they exist only to carry the answer's
    /// status, usage and timings to the door and the metrics).
    /// </summary>
    public bool Persist { get; init; } = true;

    /// <summary>
    /// For <c>…/continue</c>: what <see cref="Answer"/> had before (the model continues it; the new text and usage are
    /// added to it); null for a new answer.
    /// </summary>
    public ContinuedAnswer? Continues { get; init; }

    /// <summary>
    /// What routes the turn back to the Ollama replica holding its prompt prefix (<see cref="TurnAffinity"/>); null for
    /// none: the least-loaded replica.
    /// </summary>
    public string? AffinityKey { get; init; }

    /// <summary>Which door asked (<c>chat</c>, <c>openai</c>, <c>mcp</c>), for the answer's usage.</summary>
    public required string Door { get; init; }

    /// <summary>The knowledge bases of the conversation <see cref="Created"/> (for its <c>conversation</c> event).</summary>
    public IReadOnlyList<Guid> KnowledgeBaseIds { get; init; } = [];

    /// <summary>The knowledge passages in the prompt, numbered as the answer cites them (none without knowledge bases).</summary>
    public IReadOnlyList<CitationDto> Citations { get; init; } = [];
}
