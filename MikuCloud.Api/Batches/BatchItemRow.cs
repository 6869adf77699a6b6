using System.Linq.Expressions;

namespace MikuCloud.Api.Batches;

/// <summary>An item as lists and results read it: everything but the image and thumbnail bytes (whether a thumbnail exists).</summary>
public sealed record BatchItemRow(Guid Id, Guid BatchId, int Index, string FileName, string Status, string? Answer, string? JsonAnswer,
    string? ErrorCode, string? ErrorMessage, int? InputTokens, int? OutputTokens, double? TimeToFirstTokenMs, double? TotalMs, int Attempts,
    bool HasThumbnail, DateTime? CompletedAt)
{
    /// <summary>The projection, so a query never reads the blobs.</summary>
    public static Expression<Func<BatchItem, BatchItemRow>> FromItem { get; } = i => new BatchItemRow(i.Id, i.BatchId, i.Index, i.FileName, i.Status,
        i.Answer, i.JsonAnswer, i.ErrorCode, i.ErrorMessage, i.InputTokens, i.OutputTokens, i.TimeToFirstTokenMs, i.TotalMs, i.Attempts,
        i.Thumbnail != null, i.CompletedAt);
}
