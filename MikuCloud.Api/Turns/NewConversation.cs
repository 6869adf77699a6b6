namespace MikuCloud.Api.Turns;

/// <summary>
/// What a turn that starts a conversation says about it: a title (null or blank: <see cref="ConversationTitle"/> of
/// the question) and a system prompt (null: the house model's).
/// </summary>
public sealed record NewConversation(string? Title, string? SystemPrompt);
