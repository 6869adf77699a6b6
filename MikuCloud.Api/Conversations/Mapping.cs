using System.Text.Json.Nodes;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Api.Conversations;

/// <summary>Entity → public DTO, in one place (the endpoints, the export and the chat SSE events use it).</summary>
public static class Mapping
{
    /// <summary>The URL an image is served at.</summary>
    public static string ImageUrl(Guid imageId) => $"/api/images/{imageId}";

    /// <summary>The URL of a conversation (the <c>Location</c> of a created one).</summary>
    public static string ConversationUrl(Guid conversationId) => $"/api/conversations/{conversationId}";

    /// <summary>A conversation with the knowledge bases it answers from (none when left out).</summary>
    public static ConversationDto ToDto(Conversation conversation, IReadOnlyList<Guid>? knowledgeBaseIds = null)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new ConversationDto(conversation.Id, conversation.Title, conversation.PresetId, conversation.SystemPrompt,
            ParseOptions(conversation.OptionsJson), Timestamps.AsUtc(conversation.CreatedAt), Timestamps.AsUtc(conversation.UpdatedAt), conversation.Model,
            knowledgeBaseIds ?? []);
    }

    /// <summary>A message with its <see cref="Message.Images"/> (loaded, with data) in ordinal order.</summary>
    public static MessageDto ToDto(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ToDto(message, message.Images.OrderBy(i => i.Ordinal).Select(i => ToDto(i)).ToList());
    }

    /// <summary>A message whose images were mapped already (e.g. queried without their bytes).</summary>
    public static MessageDto ToDto(Message message, IReadOnlyList<ImageDto> images)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(images);
        var usage = message.InputTokens is null && message.OutputTokens is null ? null : new UsageDto(message.InputTokens, message.OutputTokens);
        var timings = message.TimeToFirstTokenMs is null && message.TotalMs is null && message.OutputTokensPerSecond is null && message.PromptTokensPerSecond is null
            ? null
            : new TimingsDto(message.TimeToFirstTokenMs, message.TotalMs, message.OutputTokensPerSecond, message.PromptTokensPerSecond);
        var error = message.ErrorCode is null && message.ErrorMessage is null
            ? null
            : new ErrorDto(message.ErrorCode ?? "error", message.ErrorMessage ?? "", message.Id);
        return new MessageDto(message.Id, message.ConversationId, message.Role, message.Content, message.Status, message.FinishReason,
            message.PresetId, ParseOptions(message.OptionsJson), message.Model, images,
            usage, timings, error, Timestamps.AsUtc(message.CreatedAt), Timestamps.AsUtc(message.CompletedAt), CitationsJson.Read(message.CitationsJson));
    }

    /// <summary>An image; <paramref name="bytes"/> when the data was not loaded (listing queries project its length).</summary>
    public static ImageDto ToDto(StoredImage image, long? bytes = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new ImageDto(image.Id, ImageUrl(image.Id), image.MediaType, image.Width, image.Height, bytes ?? image.Data.LongLength,
            image.VisualTokens, image.SourceFormat, image.OriginalWidth, image.OriginalHeight, image.OriginalBytes);
    }

    /// <summary>Stored option JSON (validated when stored) back to an object; <c>null</c> when none.</summary>
    public static JsonObject? ParseOptions(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json) as JsonObject;
}
