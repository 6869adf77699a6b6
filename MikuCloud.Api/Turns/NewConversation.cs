namespace MikuCloud.Api.Turns;

/// <summary>
/// What a turn that starts a conversation says about it: a title (null or blank: <see cref="ConversationTitle"/> of
/// the question), a system prompt (null: the house model's) and the knowledge bases it answers from (null or empty: none).
/// </summary>
public sealed record NewConversation(string? Title, string? SystemPrompt, IReadOnlyList<Guid>? KnowledgeBaseIds = null);
