using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MikuCloud.Web.Api;

// Web-side copies of MikuCloud.Api's public contract (MikuCloud.Api/Conversations/Contracts.cs and
// Models/ModelEndpoints.cs). The Web never references the API project: the two deploy separately and the
// JSON contract is the only coupling. Names and shapes must match; the E2E tests exercise them for real.

/// <summary>A page of items (conversations newest first; messages oldest-to-newest).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A sampling preset as the API describes it (titles/descriptions keyed <c>en</c>, <c>zh</c>).</summary>
public sealed record PresetInfo(string Id, string Model, bool IsDefault, Dictionary<string, string> Titles,
    Dictionary<string, string> Descriptions, Dictionary<string, JsonElement>? Options = null);

/// <summary>A house model and its readiness: <c>ready</c>, <c>missing</c> (being downloaded/created) or <c>unavailable</c>.</summary>
public sealed record ModelInfo(string Name, string From, int ContextLength, string Status, string? Detail);

/// <summary><c>POST /api/conversations</c>.</summary>
public sealed record CreateConversationRequest(string? Title, string? PresetId, string? SystemPrompt, JsonObject? Options);

/// <summary>
/// <c>PATCH /api/conversations/{id}</c>: only the fields present change, and a present <c>null</c> resets a field —
/// so nulls are left out of the JSON here (a rename must not reset the preset). Clear the system prompt with "".
/// </summary>
public sealed record UpdateConversationRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PresetId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SystemPrompt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Options = null);

/// <summary>A conversation.</summary>
public sealed record ConversationDto(Guid Id, string Title, string PresetId, string? SystemPrompt, JsonObject? Options,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A stored (processed) image; <see cref="Url"/> is the API's path, the browser uses the Web's proxy instead.</summary>
public sealed record ImageDto(Guid Id, string Url, string MediaType, int Width, int Height, long Bytes, int VisualTokens,
    string SourceFormat, int OriginalWidth, int OriginalHeight, long OriginalBytes);

/// <summary>Token counts reported by Ollama.</summary>
public sealed record UsageDto(int? InputTokens, int? OutputTokens);

/// <summary>Timings of an answer.</summary>
public sealed record TimingsDto(double? TimeToFirstTokenMs, double? TotalMs, double? OutputTokensPerSecond, double? PromptTokensPerSecond);

/// <summary>An error attached to a message, or an <c>error</c> event.</summary>
public sealed record ErrorDto(string Code, string Message, Guid? MessageId = null);

/// <summary>A message.</summary>
public sealed record MessageDto(Guid Id, Guid ConversationId, string Role, string Content, string Status, string? FinishReason,
    string? PresetId, JsonObject? Options, string? Model, IReadOnlyList<ImageDto>? Images, UsageDto? Usage, TimingsDto? Timings,
    ErrorDto? Error, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>Message <c>status</c> values.</summary>
public static class MessageStatus
{
    public const string Complete = "complete";
    public const string Streaming = "streaming";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
    public const string Truncated = "truncated";
    public const string Interrupted = "interrupted";

    /// <summary>Statuses that deserve a badge and a retry button.</summary>
    public static bool IsRetryable(string? status) => status is Cancelled or Failed or Truncated or Interrupted;
}

/// <summary>
/// RFC 7807 problem details as the API sends them: <c>code</c> says what happened, <c>errors</c> lists validation
/// problems, and <c>messageId</c> is set when the user's message was saved before the model refused (retry = regenerate).
/// </summary>
public sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors, string? Code,
    Guid? MessageId = null, int? RetryAfterSeconds = null);

/// <summary>Shared JSON settings: the API speaks camelCase.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>Latency and throughput of a set of answers (<c>GET /api/stats</c>).</summary>
public sealed record StatsSummary(
    string Key, int Requests, int Complete, int Truncated, int Failed, int Cancelled, int Interrupted,
    double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? TotalP50Ms,
    double? OutputTokensPerSecondP50, double? OutputTokensPerSecondMean, double? PromptTokensPerSecondP50,
    long InputTokens, long OutputTokens);

/// <summary>One time bucket of the stats series.</summary>
public sealed record StatsBucket(DateTime Start, int Requests, int Failures, double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? OutputTokensPerSecondP50);

/// <summary><c>GET /api/stats?window=…</c>.</summary>
public sealed record StatsReport(DateTime From, DateTime To, int BucketSeconds, StatsSummary Totals,
    IReadOnlyList<StatsSummary> ByPreset, IReadOnlyList<StatsSummary> ByModel, IReadOnlyList<StatsBucket> Series);
