using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Hands out item indexes of a draft batch in the database, so uploads running at once (in one API or several) never
/// number two items alike: one conditional <c>UPDATE</c> raises <see cref="Batch.Total"/> by the chunk's size, and only
/// while the batch is a draft within its item limit. Called inside the transaction that inserts the chunk: the batch row
/// stays locked until it commits, so a start or a cancel orders before or after the whole chunk, never in between.
/// </summary>
internal static class BatchIndexReservation
{
    /// <summary>The first of <paramref name="count"/> indexes now this caller's, or null if the batch is gone, no longer a draft, or would pass <paramref name="limit"/>.</summary>
    public static async Task<int?> ReserveAsync(ChatDbContext db, Guid batchId, int count, int limit, CancellationToken cancellationToken)
    {
        var reserved = await db.Batches.Where(b => b.Id == batchId && b.Status == BatchStatus.Draft && b.Total + count <= limit)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Total, b => b.Total + count), cancellationToken);
        if (reserved == 0)
        {
            return null;
        }

        // Still in the transaction that holds the row: nobody else moved it since.
        var end = await db.Batches.Where(b => b.Id == batchId).Select(b => b.Total).SingleAsync(cancellationToken);
        return end - count;
    }

    /// <summary>
    /// Gives indexes back, but only if they are still the last handed out: lowering the total under another upload's
    /// indexes would hand those out twice. Otherwise they stay a gap (the API counts items, not indexes).
    /// </summary>
    public static Task<int> GiveBackAsync(ChatDbContext db, Guid batchId, int first, int count, CancellationToken cancellationToken) =>
        db.Batches.Where(b => b.Id == batchId && b.Total == first + count).ExecuteUpdateAsync(s => s.SetProperty(b => b.Total, first), cancellationToken);
}
