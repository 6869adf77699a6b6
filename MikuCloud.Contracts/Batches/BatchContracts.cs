using System.Text.Json.Nodes;

namespace MikuCloud.Contracts;

// A batch is many images with one prompt (optionally a JSON schema): each item is a turn without a conversation.
// Type summaries here are also the schema descriptions in the API's OpenAPI document: they speak in JSON names.

/// <summary>
/// A batch job (<c>GET /api/batches/{id}</c>, the list, and the answer to creating, starting, cancelling or retrying
/// one); <c>status</c> is one of <c>draft</c>, <c>queued</c>, <c>running</c>, <c>completed</c>, <c>cancelled</c>,
/// <c>failed</c>; <c>model</c> is the vision model answering it (null: the default). Counts are items; <c>itemsPerSecond</c> and <c>etaSeconds</c> are null until there is something to measure.
/// </summary>
/// <remarks>The values of <c>status</c> are <see cref="BatchStatus"/>.</remarks>
public sealed record BatchDto(
    Guid Id, string Name, string Status, string Prompt, string PresetId, JsonObject? Options, JsonObject? Schema, bool KeepImages,
    int Total, int Queued, int Running, int Completed, int Failed, int Cancelled,
    long InputTokens, long OutputTokens, double? ItemsPerSecond, double? OutputTokensPerSecond, double? EtaSeconds,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Model = null);

/// <summary>
/// One item of a batch (<c>GET /api/batches/{id}/items</c>): its file name as uploaded (a zip's entries as
/// <c>archive.zip/inner/path.jpg</c>), its <c>status</c> (<c>queued</c>, <c>running</c>, <c>completed</c>,
/// <c>failed</c>, <c>cancelled</c>), the answer or the error; <c>json</c> is the parsed answer when the batch has a schema;
/// <c>thumbnailUrl</c> is a small preview kept after the source image is deleted.
/// </summary>
/// <remarks>The values of <c>status</c> are <see cref="BatchItemStatus"/>.</remarks>
public sealed record BatchItemDto(Guid Id, int Index, string FileName, string Status, string? Answer, JsonNode? Json, ErrorDto? Error,
    UsageDto? Usage, TimingsDto? Timings, int Attempts, string? ThumbnailUrl, DateTime? CompletedAt);

/// <summary>
/// One line of <c>GET /api/batches/{id}/results?format=jsonl</c> (and one row of the CSV, with <c>json</c> as text):
/// the item's index and file name, status, answer or error, usage and timings.
/// </summary>
public sealed record BatchResultRecord(int Index, string File, string Status, string? Answer, JsonNode? Json, ErrorDto? Error,
    int? InputTokens, int? OutputTokens, double? TimeToFirstTokenMs, double? TotalMs, DateTime? CompletedAt);

/// <summary>
/// The answer to adding items (<c>POST /api/batches</c> with files, <c>POST /api/batches/{id}/items</c>): the items
/// added now, the batch's total, and the files refused at once (not images, too large, unsafe zip entries), each with
/// its problem code; a refused file never stops the others.
/// </summary>
public sealed record BatchItemsAdded(BatchDto Batch, IReadOnlyList<BatchItemDto> Added, IReadOnlyList<BatchFileRefused> Refused);

/// <summary>A file of an upload that did not become an item, and why (a problem <c>code</c> and a sentence).</summary>
public sealed record BatchFileRefused(string FileName, string Code, string Message);

/// <summary>
/// The <c>progress</c> event of <c>GET /api/batches/{id}/events</c> (Server-Sent Events): the batch's counts now.
/// The stream also sends <c>item</c> events (a <see cref="BatchItemDto"/> that finished) and ends with a <c>done</c>
/// event (the final <see cref="BatchDto"/>) when the batch completes, is cancelled or fails.
/// </summary>
public sealed record BatchProgressEvent(BatchDto Batch);

/// <summary><see cref="BatchDto.Status"/> values.</summary>
/// <remarks>The API stores the same strings.</remarks>
public static class BatchStatus
{
    /// <summary>Created, taking items (<c>POST /api/batches/{id}/items</c>); nothing runs until <c>POST …/start</c>.</summary>
    public const string Draft = "draft";

    /// <summary>Started; waiting for capacity that chat leaves idle.</summary>
    public const string Queued = "queued";

    /// <summary>Items are being answered.</summary>
    public const string Running = "running";

    /// <summary>Every item finished (some may have failed: see <see cref="BatchDto.Failed"/>).</summary>
    public const string Completed = "completed";

    /// <summary>Stopped by its owner; finished items keep their results.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Could not go on (for example every item failed for the same reason); the items say why.</summary>
    public const string Failed = "failed";

    /// <summary>True for a status that will not change without <c>retry-failed</c>.</summary>
    public static bool IsFinished(string status) => status is Completed or Cancelled or Failed;
}

/// <summary><see cref="BatchItemDto.Status"/> values.</summary>
public static class BatchItemStatus
{
    /// <summary>Waiting to be answered.</summary>
    public const string Queued = "queued";

    /// <summary>Claimed by a worker and being answered.</summary>
    public const string Running = "running";

    /// <summary>Answered.</summary>
    public const string Completed = "completed";

    /// <summary>Could not be answered; <see cref="BatchItemDto.Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>Not answered because the batch was cancelled.</summary>
    public const string Cancelled = "cancelled";
}
