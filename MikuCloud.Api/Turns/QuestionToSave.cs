using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns;

/// <summary>
/// What <see cref="TurnStore.SaveQuestionAsync"/> saves: a new question (<see cref="Content"/>, processed
/// <see cref="Images"/>) or the last one again (<see cref="Again"/>), and how its answer will be generated.
/// </summary>
public sealed record QuestionToSave(Conversation Conversation, bool IsNewConversation, string Content, IReadOnlyList<StoredImage> Images,
    Message? Again, string PresetId, string Model, string OptionsJson);
