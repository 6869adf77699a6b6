using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MikuCloud.Contracts;

// Type summaries here are also the schema descriptions in the API's OpenAPI document: they name the endpoint and speak
// in JSON names; notes for code readers go in <remarks>. Ollama option names inside "options" keep Ollama's own
// spelling (temperature, top_p, top_k, repeat_penalty, num_predict, num_ctx, seed, stop…), the same names as the
// Modelfiles, so a value can be copied between them; that is why options travel as a JsonObject, not a typed record.

/// <summary>
/// A page of items, oldest-to-newest for messages (<c>GET /api/conversations/{id}/messages</c>), newest-first for
/// conversations (<c>GET /api/conversations</c>); pass <c>nextCursor</c> back for the next page (null on the last).
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// The body of <c>POST /api/conversations</c>; every field may be left out. <c>model</c> is the chat model (a name from
/// <c>GET /api/models</c>; left out: the default model). <c>knowledgeBaseIds</c> are the knowledge bases its answers
/// draw on (bases the caller can read; left out or empty: none).
/// </summary>
public sealed record CreateConversationRequest(string? Title = null, string? PresetId = null, string? SystemPrompt = null, JsonObject? Options = null,
    string? Model = null, IReadOnlyList<Guid>? KnowledgeBaseIds = null);

/// <summary>
/// The body of <c>PATCH /api/conversations/{id}</c>: only the fields present change, and a present <c>null</c> resets
/// a field (clear the system prompt with ""). A new <c>model</c> takes its default preset unless <c>presetId</c> names one
/// of its presets. <c>knowledgeBaseIds</c> replaces the conversation's knowledge bases (<c>[]</c> or null: none, the
/// knowledge switch off); a base the caller cannot read is a 404, as an unknown one.
/// </summary>
/// <remarks>
/// Nulls are left out when this record is written, so a client's rename cannot reset the preset. Reading is
/// unaffected: the API reads the raw body to tell an absent field from a null one, and uses this record only to
/// describe the body. Every field has a default, so the schema requires none.
/// </remarks>
public sealed record UpdateConversationRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PresetId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SystemPrompt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Options = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? KnowledgeBaseIds = null);

/// <summary>
/// A conversation (<c>GET /api/conversations/{id}</c>, the list, and the answer to creating or changing one);
/// <c>model</c> is its chat model, null for the default model; <c>knowledgeBaseIds</c> the knowledge bases its answers
/// draw on (empty: none).
/// </summary>
/// <remarks>The API always fills <see cref="KnowledgeBaseIds"/>; null only from an older server.</remarks>
public sealed record ConversationDto(Guid Id, string Title, string PresetId, string? SystemPrompt, JsonObject? Options,
    DateTime CreatedAt, DateTime UpdatedAt, string? Model = null, IReadOnlyList<Guid>? KnowledgeBaseIds = null);

/// <summary>
/// A message (<c>GET /api/conversations/{id}/messages</c>, and the <c>user</c> and <c>done</c> events of the chat
/// stream); <c>status</c> is one of <c>complete</c>, <c>streaming</c>, <c>cancelled</c>, <c>failed</c>,
/// <c>truncated</c>, <c>interrupted</c>. An answer given with knowledge bases carries its <c>citations</c>: the passages
/// it was given, numbered as it cites them (<c>[1]</c>, <c>[2]</c>); null otherwise.
/// </summary>
/// <remarks>The values are <see cref="MessageStatus"/> and <see cref="MessageRole"/>.</remarks>
public sealed record MessageDto(Guid Id, Guid ConversationId, string Role, string Content, string Status, string? FinishReason,
    string? PresetId, JsonObject? Options, string? Model, IReadOnlyList<ImageDto> Images, UsageDto? Usage, TimingsDto? Timings,
    ErrorDto? Error, DateTime CreatedAt, DateTime? CompletedAt, IReadOnlyList<CitationDto>? Citations = null);

/// <summary>
/// A stored image of a message: the processed one, with the original's size for reference; <c>url</c> is its
/// <c>GET /api/images/{id}</c> path.
/// </summary>
/// <remarks>The Web shows browsers its own proxy path instead of <see cref="Url"/>.</remarks>
public sealed record ImageDto(Guid Id, string Url, string MediaType, int Width, int Height, long Bytes, int VisualTokens,
    string SourceFormat, int OriginalWidth, int OriginalHeight, long OriginalBytes);

/// <summary>Token counts of an answer, as reported by Ollama.</summary>
public sealed record UsageDto(int? InputTokens, int? OutputTokens);

/// <summary>Timings of an answer, measured by the API.</summary>
public sealed record TimingsDto(double? TimeToFirstTokenMs, double? TotalMs, double? OutputTokensPerSecond, double? PromptTokensPerSecond);

/// <summary>
/// An error attached to a message, or the data of the chat stream's <c>error</c> event; <c>messageId</c> names the
/// partial answer that was saved, which can be regenerated.
/// </summary>
public sealed record ErrorDto(string Code, string Message, Guid? MessageId = null);

/// <summary><c>GET /api/conversations/{id}/export?format=json</c>: the conversation and all its messages, oldest first.</summary>
public sealed record ConversationExportDto(string Format, DateTime ExportedAt, ConversationDto Conversation, IReadOnlyList<MessageDto> Messages);

/// <summary><see cref="MessageDto.Status"/> values.</summary>
/// <remarks>The API stores the same strings, so the database and the wire cannot drift apart.</remarks>
public static class MessageStatus
{
    /// <summary>A finished answer, and every user message.</summary>
    public const string Complete = "complete";

    /// <summary>Being written now.</summary>
    public const string Streaming = "streaming";

    /// <summary>Stopped before the end (the client cancelled or went away); the partial answer is kept.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The model failed; <see cref="MessageDto.Error"/> says why, and the partial answer is kept.</summary>
    public const string Failed = "failed";

    /// <summary>Hit <c>num_predict</c> (Ollama's <c>done_reason: length</c>).</summary>
    public const string Truncated = "truncated";

    /// <summary>Left <c>streaming</c> by a crash or restart; found and closed at startup. Retryable.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary><see cref="MessageDto.Role"/> values.</summary>
public static class MessageRole
{
    /// <summary>What the person wrote (with images).</summary>
    public const string User = "user";

    /// <summary>The model's answer.</summary>
    public const string Assistant = "assistant";
}
