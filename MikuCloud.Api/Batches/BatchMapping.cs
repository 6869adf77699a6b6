using System.Text.Json.Nodes;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>Batch rows to the API's contract records, with the throughput and ETA derived from counts and times.</summary>
public static class BatchMapping
{
    /// <summary>The URL of a batch (the <c>Location</c> of a created one).</summary>
    public static string BatchUrl(Guid id) => $"/api/batches/{id}";

    public static BatchDto ToDto(Batch batch, BatchCounts counts, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(counts);
        var started = Timestamps.AsUtc(batch.StartedAt);
        var finished = Timestamps.AsUtc(batch.FinishedAt);
        double? itemsPerSecond = null, tokensPerSecond = null, eta = null;
        if (started is { } from && counts.Finished > 0)
        {
            var seconds = Math.Max(0.001, ((finished ?? now) - from).TotalSeconds);
            itemsPerSecond = Math.Round(counts.Finished / seconds, 3);
            tokensPerSecond = Math.Round(counts.OutputTokens / seconds, 2);
            var left = counts.Queued + counts.Running;
            eta = batch.Status is BatchStatus.Queued or BatchStatus.Running ? Math.Round(left / itemsPerSecond.Value, 1) : null;
        }

        return new BatchDto(batch.Id, batch.Name, batch.Status, batch.Prompt, batch.PresetId, Parse(batch.OptionsJson) as JsonObject,
            Parse(batch.SchemaJson) as JsonObject, batch.KeepImages, counts.Total, counts.Queued, counts.Running, counts.Completed, counts.Failed,
            counts.Cancelled, counts.InputTokens, counts.OutputTokens, itemsPerSecond, tokensPerSecond, eta,
            Timestamps.AsUtc(batch.CreatedAt), started, finished, batch.Model);
    }

    public static BatchItemDto ToDto(BatchItemRow item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new BatchItemDto(item.Id, item.Index, item.FileName, item.Status, item.Answer, Parse(item.JsonAnswer), Error(item),
            item.InputTokens is null && item.OutputTokens is null ? null : new UsageDto(item.InputTokens, item.OutputTokens),
            item.TotalMs is null ? null : new TimingsDto(item.TimeToFirstTokenMs, item.TotalMs, null, null), item.Attempts,
            item.HasThumbnail ? $"{BatchUrl(item.BatchId)}/items/{item.Id}/thumbnail" : null, Timestamps.AsUtc(item.CompletedAt));
    }

    public static BatchResultRecord ToResult(BatchItemRow item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new BatchResultRecord(item.Index, item.FileName, item.Status, item.Answer, Parse(item.JsonAnswer), Error(item), item.InputTokens,
            item.OutputTokens, item.TimeToFirstTokenMs, item.TotalMs, Timestamps.AsUtc(item.CompletedAt));
    }

    private static ErrorDto? Error(BatchItemRow item) => item.ErrorCode is { } code ? new ErrorDto(code, item.ErrorMessage ?? "") : null;

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
