using System.Text.Json.Nodes;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Chat;

/// <summary>Entity → contract for the chat stream's <c>user</c> and <c>done</c> events.</summary>
public static class ChatMapping
{
    public static MessageDto ToDto(this Message m) => new(
        m.Id, m.ConversationId, m.Role, m.Content, m.Status, m.FinishReason, m.PresetId,
        string.IsNullOrEmpty(m.OptionsJson) ? null : JsonNode.Parse(m.OptionsJson) as JsonObject,
        m.Model,
        m.Images.OrderBy(i => i.Ordinal).Select(ToDto).ToList(),
        m.InputTokens is null && m.OutputTokens is null ? null : new UsageDto(m.InputTokens, m.OutputTokens),
        m.TimeToFirstTokenMs is null && m.TotalMs is null ? null : new TimingsDto(m.TimeToFirstTokenMs, m.TotalMs, m.OutputTokensPerSecond, m.PromptTokensPerSecond),
        m.ErrorCode is null ? null : new ErrorDto(m.ErrorCode, m.ErrorMessage ?? "", m.Id),
        m.CreatedAt, m.CompletedAt);

    public static ImageDto ToDto(this StoredImage i) => new(
        i.Id, $"/api/images/{i.Id}", i.MediaType, i.Width, i.Height, i.Data.LongLength, i.VisualTokens,
        i.SourceFormat, i.OriginalWidth, i.OriginalHeight, i.OriginalBytes);
}
