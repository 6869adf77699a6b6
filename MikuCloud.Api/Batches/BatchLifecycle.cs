using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// What an owner does to a batch after creating it: start, cancel, retry failed items (all or one), delete. Each
/// finds the batch by owner first (another user's is not found, and nothing changes); each wakes the worker and the
/// event streams. Knows nothing of HTTP.
/// </summary>
public sealed class BatchLifecycle(ChatDbContext db, BatchStore store, BatchRuns runs, BatchSignals signals, TimeProvider time)
{
    /// <summary>A draft goes to the queue; starting a started batch changes nothing.</summary>
    public async Task<Batch> StartAsync(string owner, Guid id, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        if (BatchStatus.IsFinished(batch.Status))
        {
            throw BatchProblems.Finished(batch.Status);
        }

        if (batch.Status == BatchStatus.Draft)
        {
            // Counted from the items (the total may run ahead of them after a refused upload).
            if (!await db.BatchItems.AnyAsync(i => i.BatchId == id, cancellationToken))
            {
                throw new ApiProblem(409, ProblemCodes.BatchEmpty, "The batch has no items yet: add images (POST …/items) before starting it.");
            }

            (batch.Status, batch.StartedAt) = (BatchStatus.Queued, Timestamps.Now(time));
            await db.SaveChangesAsync(cancellationToken);
            signals.Pulse();
        }

        return batch;
    }

    /// <summary>Stops the batch: what is queued or running is cancelled (running answers stop at once), finished results stay.</summary>
    public async Task<Batch> CancelAsync(string owner, Guid id, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        if (BatchStatus.IsFinished(batch.Status))
        {
            throw BatchProblems.Finished(batch.Status);
        }

        var now = Timestamps.Now(time);
        (batch.Status, batch.FinishedAt) = (BatchStatus.Cancelled, now);
        await db.SaveChangesAsync(cancellationToken);
        await db.BatchItems.Where(i => i.BatchId == id && (i.Status == BatchItemStatus.Queued || i.Status == BatchItemStatus.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, BatchItemStatus.Cancelled).SetProperty(i => i.ClaimedBy, (string?)null)
                .SetProperty(i => i.ClaimExpiresAt, (DateTime?)null).SetProperty(i => i.CompletedAt, now), cancellationToken);
        runs.Cancel(id);
        signals.Pulse();
        return batch;
    }

    /// <summary>Failed items go back to the queue (and a finished batch with them).</summary>
    public async Task<Batch> RetryFailedAsync(string owner, Guid id, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        var requeued = await Requeue(db.BatchItems.Where(i => i.BatchId == id && i.Status == BatchItemStatus.Failed && i.Image != null), cancellationToken);
        if (requeued > 0)
        {
            await ReopenAsync(batch, cancellationToken);
        }

        return batch;
    }

    /// <summary>One failed or cancelled item goes back to the queue, if its image is still stored.</summary>
    public async Task<Batch> RetryItemAsync(string owner, Guid id, Guid itemId, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        var item = await db.BatchItems.Where(i => i.Id == itemId && i.BatchId == id).Select(i => new { i.Status, HasImage = i.Image != null })
            .SingleOrDefaultAsync(cancellationToken) ?? throw BatchProblems.ItemNotFound(itemId);
        if (item.Status is not (BatchItemStatus.Failed or BatchItemStatus.Cancelled) || !item.HasImage)
        {
            throw BatchProblems.ItemNotRetryable(item.HasImage ? item.Status : $"{item.Status} and its image is deleted");
        }

        await Requeue(db.BatchItems.Where(i => i.Id == itemId), cancellationToken);
        await ReopenAsync(batch, cancellationToken);
        return batch;
    }

    /// <summary>Deletes the batch with its items and images; its running answers stop.</summary>
    public async Task DeleteAsync(string owner, Guid id, CancellationToken cancellationToken)
    {
        var batch = await store.FindOwnedAsync(owner, id, cancellationToken);
        // Cancelled first, then stopped: a worker that claimed an item a moment ago either sees the status or is stopped.
        batch.Status = BatchStatus.Cancelled;
        await db.SaveChangesAsync(cancellationToken);
        runs.Cancel(id);
        await db.BatchItems.Where(i => i.BatchId == id).ExecuteDeleteAsync(cancellationToken);
        db.Batches.Remove(batch);
        await db.SaveChangesAsync(cancellationToken);
        signals.Pulse();
    }

    private static Task<int> Requeue(IQueryable<BatchItem> items, CancellationToken cancellationToken) =>
        items.ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, BatchItemStatus.Queued).SetProperty(i => i.ErrorCode, (string?)null)
            .SetProperty(i => i.ErrorMessage, (string?)null).SetProperty(i => i.CompletedAt, (DateTime?)null).SetProperty(i => i.Attempts, 0), cancellationToken);

    /// <summary>A finished batch with queued items runs again (a draft stays a draft until started).</summary>
    private async Task ReopenAsync(Batch batch, CancellationToken cancellationToken)
    {
        if (BatchStatus.IsFinished(batch.Status))
        {
            (batch.Status, batch.FinishedAt) = (BatchStatus.Queued, null);
            batch.StartedAt ??= Timestamps.Now(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        signals.Pulse();
    }
}
