using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Reading batches for their owner: every query filters by owner, so another user's batch is not found, exactly like
/// an unknown one. Counts and tokens come from the items; lists and results never read image bytes.
/// </summary>
public sealed class BatchStore(ChatDbContext db, TimeProvider time)
{
    /// <summary>The owner's batch (tracked, to change it), or 404 <c>batch_not_found</c>.</summary>
    public async Task<Batch> FindOwnedAsync(string owner, Guid id, CancellationToken cancellationToken) =>
        await db.Batches.SingleOrDefaultAsync(b => b.Id == id && b.OwnerId == owner, cancellationToken) ?? throw BatchProblems.NotFound(id);

    /// <summary>The batch as the API shows it now.</summary>
    public async Task<BatchDto> ToDtoAsync(Batch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var counts = await CountsAsync([batch.Id], cancellationToken);
        return BatchMapping.ToDto(batch, counts.GetValueOrDefault(batch.Id, BatchCounts.None), Timestamps.Now(time));
    }

    /// <summary>Items by status and tokens, for each batch.</summary>
    public async Task<Dictionary<Guid, BatchCounts>> CountsAsync(IReadOnlyCollection<Guid> batchIds, CancellationToken cancellationToken)
    {
        var groups = await db.BatchItems.AsNoTracking().Where(i => batchIds.Contains(i.BatchId))
            .GroupBy(i => new { i.BatchId, i.Status })
            .Select(g => new { g.Key.BatchId, g.Key.Status, Count = g.Count(), In = g.Sum(i => (long)(i.InputTokens ?? 0)), Out = g.Sum(i => (long)(i.OutputTokens ?? 0)) })
            .ToListAsync(cancellationToken);
        return groups.GroupBy(g => g.BatchId).ToDictionary(b => b.Key, b =>
        {
            int Of(string status) => b.Where(g => g.Status == status).Sum(g => g.Count);
            return new BatchCounts(Of(BatchItemStatus.Queued), Of(BatchItemStatus.Running), Of(BatchItemStatus.Completed), Of(BatchItemStatus.Failed),
                Of(BatchItemStatus.Cancelled), b.Sum(g => g.In), b.Sum(g => g.Out));
        });
    }

    /// <summary>A page of the batch's items in index order, after <paramref name="afterIndex"/>, optionally of one status.</summary>
    public Task<List<BatchItemRow>> ItemsAsync(Guid batchId, string? status, int afterIndex, int take, CancellationToken cancellationToken)
    {
        var query = db.BatchItems.AsNoTracking().Where(i => i.BatchId == batchId && i.Index > afterIndex);
        if (status is not null)
        {
            query = query.Where(i => i.Status == status);
        }

        return query.OrderBy(i => i.Index).Take(take).Select(BatchItemRow.FromItem).ToListAsync(cancellationToken);
    }

    /// <summary>Items finished after <paramref name="since"/> (completed or failed), oldest first: the event stream's <c>item</c> events.</summary>
    public Task<List<BatchItemRow>> FinishedSinceAsync(Guid batchId, DateTime since, CancellationToken cancellationToken) =>
        db.BatchItems.AsNoTracking()
            .Where(i => i.BatchId == batchId && i.CompletedAt >= since && (i.Status == BatchItemStatus.Completed || i.Status == BatchItemStatus.Failed))
            .OrderBy(i => i.CompletedAt).ThenBy(i => i.Index).Take(500).Select(BatchItemRow.FromItem).ToListAsync(cancellationToken);

    /// <summary>Every item in index order, read a page at a time (a download of a large batch never holds it whole).</summary>
    public async IAsyncEnumerable<BatchItemRow> AllItemsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = -1;
        while (true)
        {
            var page = await ItemsAsync(batchId, null, after, 500, cancellationToken);
            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < 500)
            {
                yield break;
            }

            after = page[^1].Index;
        }
    }
}
