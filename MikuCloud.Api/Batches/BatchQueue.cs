using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The batch queue in the database, shared by every API process: a claim takes one queued item for a worker until its
/// lease expires (renewed while it runs); finishing checks the claim is still held, so an item taken over after its
/// lease expired is never written twice; expired claims return to the queue. Knows nothing of HTTP or of the model.
/// </summary>
public sealed class BatchQueue(ChatDbContext db, ChatDatabaseInfo database, TimeProvider time)
{
    /// <summary>
    /// The next queued item of a started batch (oldest batch first, then by index) whose owner is not in
    /// <paramref name="pausedOwners"/> (their token budget is spent: their items wait, others' go on), claimed for
    /// <paramref name="worker"/>; null when none. One statement: the batch is marked running by <see cref="MarkRunningAsync"/>.
    /// </summary>
    public async Task<BatchItem?> ClaimAsync(string worker, TimeSpan lease, IReadOnlyCollection<string> pausedOwners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pausedOwners);
        var expires = Timestamps.Now(time) + lease;
        // One statement each: PostgreSQL skips rows another worker has locked (the row is chosen once, in a materialized
        // CTE: as an IN (…) subquery the planner may run it again per row and claim several); SQLite has one writer, so
        // the conditional UPDATE is the claim only one process can win.
        var claimed = database.Provider == ChatDatabaseProvider.Postgres
            ? db.BatchItems.FromSql($"""
                WITH next AS MATERIALIZED (
                    SELECT i."Id" FROM "BatchItems" AS i JOIN "Batches" AS b ON b."Id" = i."BatchId"
                    WHERE i."Status" = 'queued' AND b."Status" IN ('queued', 'running') AND NOT (i."OwnerId" = ANY({pausedOwners.ToArray()}))
                    ORDER BY b."StartedAt", b."Id", i."Index" LIMIT 1 FOR UPDATE OF i SKIP LOCKED)
                UPDATE "BatchItems" AS t SET "Status" = 'running', "ClaimedBy" = {worker}, "ClaimExpiresAt" = {expires}, "Attempts" = t."Attempts" + 1
                FROM next WHERE t."Id" = next."Id" AND t."Status" = 'queued'
                RETURNING t.*
                """)
            : db.BatchItems.FromSql($"""
                UPDATE "BatchItems" SET "Status" = 'running', "ClaimedBy" = {worker}, "ClaimExpiresAt" = {expires}, "Attempts" = "Attempts" + 1
                WHERE "Id" = (SELECT i."Id" FROM "BatchItems" AS i JOIN "Batches" AS b ON b."Id" = i."BatchId"
                              WHERE i."Status" = 'queued' AND b."Status" IN ('queued', 'running')
                                AND i."OwnerId" NOT IN (SELECT value FROM json_each({JsonSerializer.Serialize(pausedOwners)}))
                              ORDER BY b."StartedAt", b."Id", i."Index" LIMIT 1)
                  AND "Status" = 'queued'
                RETURNING *
                """);
        return (await claimed.AsNoTracking().ToListAsync(cancellationToken)).SingleOrDefault();
    }

    /// <summary>A queued batch whose first item was claimed becomes running (its start time kept if it had one).</summary>
    public Task MarkRunningAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return db.Batches.Where(b => b.Id == batchId && b.Status == BatchStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BatchStatus.Running).SetProperty(b => b.StartedAt, b => b.StartedAt ?? now), cancellationToken);
    }

    /// <summary>Extends the claim; false when it is no longer held (the batch was cancelled, or the lease expired and another worker took the item).</summary>
    public async Task<bool> RenewAsync(Guid itemId, string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var expires = Timestamps.Now(time) + lease;
        return await Held(itemId, worker).ExecuteUpdateAsync(s => s.SetProperty(i => i.ClaimExpiresAt, expires), cancellationToken) == 1;
    }

    /// <summary>
    /// Writes the outcome if the claim is still held (false otherwise: nothing written). An answered item loses its
    /// source image unless the batch keeps images; an item put back keeps it and its attempt is not counted. The caller
    /// then calls <see cref="FinishBatchIfDoneAsync"/> for a written result.
    /// </summary>
    public async Task<bool> FinishAsync(BatchItem item, bool keepImage, BatchItemOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(outcome);
        var held = Held(item.Id, item.ClaimedBy!);
        if (outcome.Status == BatchItemStatus.Queued)
        {
            return await held.ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, BatchItemStatus.Queued).SetProperty(i => i.ClaimedBy, (string?)null)
                .SetProperty(i => i.ClaimExpiresAt, (DateTime?)null).SetProperty(i => i.Attempts, i => i.Attempts - 1), cancellationToken) == 1;
        }

        var now = Timestamps.Now(time);
        var dropImage = outcome.Status == BatchItemStatus.Completed && !keepImage;
        return await held.ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, outcome.Status).SetProperty(i => i.Answer, outcome.Answer).SetProperty(i => i.JsonAnswer, outcome.Json)
            .SetProperty(i => i.ErrorCode, outcome.ErrorCode).SetProperty(i => i.ErrorMessage, outcome.ErrorMessage)
            .SetProperty(i => i.InputTokens, outcome.InputTokens).SetProperty(i => i.OutputTokens, outcome.OutputTokens)
            .SetProperty(i => i.TimeToFirstTokenMs, outcome.TimeToFirstTokenMs).SetProperty(i => i.TotalMs, outcome.TotalMs)
            .SetProperty(i => i.CompletedAt, now).SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.ClaimExpiresAt, (DateTime?)null)
            .SetProperty(i => i.Image, i => dropImage ? null : i.Image).SetProperty(i => i.StoredBytes, i => dropImage ? 0 : i.StoredBytes), cancellationToken) == 1;
    }

    /// <summary>Claims whose lease expired (their worker died) go back to the queue; returns how many.</summary>
    public Task<int> RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return db.BatchItems.Where(i => i.Status == BatchItemStatus.Running && i.ClaimExpiresAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, BatchItemStatus.Queued).SetProperty(i => i.ClaimedBy, (string?)null)
                .SetProperty(i => i.ClaimExpiresAt, (DateTime?)null), cancellationToken);
    }

    /// <summary>This worker's claims go back to the queue (it is stopping), their attempts not counted.</summary>
    public Task<int> ReleaseAllAsync(string worker, CancellationToken cancellationToken) =>
        db.BatchItems.Where(i => i.Status == BatchItemStatus.Running && i.ClaimedBy == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, BatchItemStatus.Queued).SetProperty(i => i.ClaimedBy, (string?)null)
                .SetProperty(i => i.ClaimExpiresAt, (DateTime?)null).SetProperty(i => i.Attempts, i => i.Attempts - 1), cancellationToken);

    /// <summary>Queued items waiting in started batches (the queue-depth gauge, read when the meter is collected: synchronous).</summary>
    public int Depth() =>
        db.BatchItems.Count(i => i.Status == BatchItemStatus.Queued
            && db.Batches.Any(b => b.Id == i.BatchId && (b.Status == BatchStatus.Queued || b.Status == BatchStatus.Running)));

    /// <summary>The batch an item belongs to (as the worker needs it: prompt, schema, options).</summary>
    public Task<Batch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken) =>
        db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, cancellationToken);

    /// <summary>
    /// Completed (or failed, when nothing succeeded) once no item is queued or running; several workers may try, one wins.
    /// One statement: the check and the change cannot fall apart, and the item's result costs one round trip more, not three.
    /// </summary>
    public Task FinishBatchIfDoneAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return db.Batches.Where(b => b.Id == batchId && (b.Status == BatchStatus.Queued || b.Status == BatchStatus.Running)
                && !db.BatchItems.Any(i => i.BatchId == batchId && (i.Status == BatchItemStatus.Queued || i.Status == BatchItemStatus.Running)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, b => db.BatchItems.Any(i => i.BatchId == b.Id && i.Status == BatchItemStatus.Completed) ? BatchStatus.Completed : BatchStatus.Failed)
                .SetProperty(b => b.FinishedAt, now), cancellationToken);
    }

    private IQueryable<BatchItem> Held(Guid itemId, string worker) =>
        db.BatchItems.Where(i => i.Id == itemId && i.ClaimedBy == worker && i.Status == BatchItemStatus.Running);
}
