using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>The batch endpoints that read: the list, one batch, its items, a thumbnail, the event stream and the results download.</summary>
public static class BatchReadEndpoints
{
    private static readonly string[] ItemStatuses =
        [BatchItemStatus.Queued, BatchItemStatus.Running, BatchItemStatus.Completed, BatchItemStatus.Failed, BatchItemStatus.Cancelled];

    internal static async Task<Ok<Page<BatchDto>>> ListAsync(string? limit, string? cursor, HttpContext http, ChatDbContext db, BatchStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.TryParseLimit(limit, errors, out var take);
        DateTime afterCreatedAt = default;
        Guid afterId = default;
        if (!string.IsNullOrEmpty(cursor) && !BatchCursor.TryParseBatch(cursor, out afterCreatedAt, out afterId))
        {
            errors["cursor"] = ["cursor is not valid: pass the nextCursor of the previous page unchanged."];
        }

        if (errors.Count > 0)
        {
            throw BatchProblems.Invalid(errors);
        }

        var owner = CurrentOwner.Of(http);
        var query = db.Batches.AsNoTracking().Where(b => b.OwnerId == owner);
        if (!string.IsNullOrEmpty(cursor))
        {
            query = query.Where(b => b.CreatedAt < afterCreatedAt || (b.CreatedAt == afterCreatedAt && b.Id.CompareTo(afterId) < 0));
        }

        var rows = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Take(take + 1).ToListAsync(cancellationToken);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(rows.Count - 1);
            next = BatchCursor.ForBatch(rows[^1].CreatedAt, rows[^1].Id);
        }

        var counts = await store.CountsAsync(rows.Select(b => b.Id).ToList(), cancellationToken);
        var now = Timestamps.Now(time);
        return TypedResults.Ok(new Page<BatchDto>(rows.Select(b => BatchMapping.ToDto(b, counts.GetValueOrDefault(b.Id, BatchCounts.None), now)).ToList(), next));
    }

    internal static async Task<Ok<BatchDto>> GetAsync(Guid id, HttpContext http, BatchStore store, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(CurrentOwner.Of(http), id, cancellationToken);
        return TypedResults.Ok(await store.ToDtoAsync(batch, cancellationToken));
    }

    internal static async Task<Ok<Page<BatchItemDto>>> ItemsAsync(Guid id, string? status, string? limit, string? cursor, HttpContext http, BatchStore store,
        CancellationToken cancellationToken)
    {
        await store.FindOwnedAsync(CurrentOwner.Of(http), id, cancellationToken);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.TryParseLimit(limit, errors, out var take);
        var after = -1;
        if (!string.IsNullOrEmpty(cursor) && !BatchCursor.TryParseItem(cursor, out after))
        {
            errors["cursor"] = ["cursor is not valid: pass the nextCursor of the previous page unchanged."];
        }

        status = string.IsNullOrEmpty(status) ? null : status;
        if (status is not null && !ItemStatuses.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"status must be one of {string.Join(", ", ItemStatuses)}."];
        }

        if (errors.Count > 0)
        {
            throw BatchProblems.Invalid(errors);
        }

        var rows = await store.ItemsAsync(id, status, after, take + 1, cancellationToken);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(rows.Count - 1);
            next = BatchCursor.ForItem(rows[^1].Index);
        }

        return TypedResults.Ok(new Page<BatchItemDto>(rows.Select(BatchMapping.ToDto).ToList(), next));
    }

    internal static async Task<FileContentHttpResult> ThumbnailAsync(Guid id, Guid itemId, HttpContext http, ChatDbContext db, BatchStore store,
        CancellationToken cancellationToken)
    {
        await store.FindOwnedAsync(CurrentOwner.Of(http), id, cancellationToken);
        var thumbnail = await db.BatchItems.Where(i => i.Id == itemId && i.BatchId == id).Select(i => i.Thumbnail).SingleOrDefaultAsync(cancellationToken)
                        ?? throw BatchProblems.ItemNotFound(itemId);
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(thumbnail, "image/jpeg");
    }

    internal static async Task<BatchEventsResult> EventsAsync(Guid id, HttpContext http, BatchStore store, CancellationToken cancellationToken)
    {
        await store.FindOwnedAsync(CurrentOwner.Of(http), id, cancellationToken);
        return new BatchEventsResult(id);
    }

    internal static async Task<BatchResultsResult> ResultsAsync(Guid id, string? format, HttpContext http, BatchStore store, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(CurrentOwner.Of(http), id, cancellationToken);
        format = string.IsNullOrEmpty(format) ? "jsonl" : format.ToLowerInvariant();
        return format is "jsonl" or "csv"
            ? new BatchResultsResult(batch.Id, batch.Name, format)
            : throw ApiProblem.Invalid("format", "format must be jsonl (the default) or csv.");
    }
}
