using System.Text.Json.Nodes;

namespace MikuCloud.Api.Conversations;

// The public contract (camelCase JSON). Ollama option names inside "options" keep Ollama's own spelling
// (temperature, top_p, top_k, repeat_penalty, presence_penalty, frequency_penalty, num_predict, num_ctx, seed, stop…),
// the same names as the Modelfiles, so a value can be copied between them.

/// <summary>A page of items, oldest-to-newest for messages, newest-first for conversations.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary><c>POST /api/conversations</c>.</summary>
public sealed record CreateConversationRequest(string? Title, string? PresetId, string? SystemPrompt, JsonObject? Options);

/// <summary><c>PATCH /api/conversations/{id}</c>: only the fields present change.</summary>
public sealed record UpdateConversationRequest(string? Title, string? PresetId, string? SystemPrompt, JsonObject? Options);

/// <summary>A conversation.</summary>
public sealed record ConversationDto(Guid Id, string Title, string PresetId, string? SystemPrompt, JsonObject? Options,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A stored image: the processed one, with the original's size for reference.</summary>
public sealed record ImageDto(Guid Id, string Url, string MediaType, int Width, int Height, long Bytes, int VisualTokens,
    string SourceFormat, int OriginalWidth, int OriginalHeight, long OriginalBytes);

/// <summary>Token counts reported by Ollama.</summary>
public sealed record UsageDto(int? InputTokens, int? OutputTokens);

/// <summary>Timings of an answer.</summary>
public sealed record TimingsDto(double? TimeToFirstTokenMs, double? TotalMs, double? OutputTokensPerSecond, double? PromptTokensPerSecond);

/// <summary>An error attached to a message or an <c>error</c> event.</summary>
public sealed record ErrorDto(string Code, string Message, Guid? MessageId = null);

/// <summary>A message.</summary>
public sealed record MessageDto(Guid Id, Guid ConversationId, string Role, string Content, string Status, string? FinishReason,
    string? PresetId, JsonObject? Options, string? Model, IReadOnlyList<ImageDto> Images, UsageDto? Usage, TimingsDto? Timings,
    ErrorDto? Error, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>An image in the JSON form of <c>POST …/messages</c>.</summary>
public sealed record ImageUpload(string? MediaType, string? Data);

/// <summary>JSON form of <c>POST /api/conversations/{id}/messages</c> (multipart carries the same fields).</summary>
public sealed record SendMessageRequest(string? Content, IReadOnlyList<ImageUpload>? Images, string? PresetId, JsonObject? Options);

/// <summary>The <c>delta</c> event's data.</summary>
public sealed record DeltaDto(string Text);

/// <summary><c>GET /api/conversations/{id}/export?format=json</c>: the conversation and all its messages, oldest first.</summary>
public sealed record ConversationExportDto(string Format, DateTime ExportedAt, ConversationDto Conversation, IReadOnlyList<MessageDto> Messages);
