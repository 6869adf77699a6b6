using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns;

/// <summary>
/// What <see cref="TurnStore.SaveQuestionAsync"/> saves: a new question (<see cref="Content"/>, processed
/// <see cref="Images"/>) or the last one again (<see cref="Again"/>), and how its answer will be generated.
/// </summary>
public sealed record QuestionToSave(Conversation Conversation, bool IsNewConversation, string Content, IReadOnlyList<StoredImage> Images,
    Message? Again, string PresetId, string Model, string OptionsJson)
{
    /// <summary>Messages saved before the question in a new conversation: the history a caller sent with <c>store</c>.</summary>
    public IReadOnlyList<EarlierMessage> Earlier { get; init; } = [];

    /// <summary>The answer's citations (<c>Message.CitationsJson</c>): the knowledge passages in its prompt; null for none.</summary>
    public string? CitationsJson { get; init; }

    /// <summary>The message a new question follows (null: it is the first, or follows <see cref="Earlier"/>); unused for <see cref="Again"/>.</summary>
    public Guid? ParentId { get; init; }
}

/// <summary>A message of a caller's history saved as it was sent (<see cref="QuestionToSave.Earlier"/>).</summary>
public sealed record EarlierMessage(string Role, string Content, IReadOnlyList<StoredImage> Images);
