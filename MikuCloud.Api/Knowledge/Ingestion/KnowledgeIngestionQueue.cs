using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The ingestion queue in the database, shared by every API process (as <c>BatchQueue</c> is for batch items): a claim
/// takes one queued document for a worker until its lease expires (renewed while it is read); every write checks the
/// claim is still held, so a document taken over, deleted or re-indexed meanwhile is never written by the old worker;
/// expired claims return to the queue. Pages are saved one by one with the progress, so reading resumes after the last.
/// </summary>
public sealed class KnowledgeIngestionQueue(ChatDbContext db, ChatDatabaseInfo database, TimeProvider time)
{
    /// <summary>The oldest queued document (with its bytes), claimed for <paramref name="worker"/> and marked reading; null when none.</summary>
    public async Task<KnowledgeDocument?> ClaimAsync(string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        var expires = now + lease;
        // One statement each, as BatchQueue: PostgreSQL skips rows another worker has locked; SQLite has one writer, so
        // the conditional UPDATE is the claim only one process can win.
        var claimed = database.Provider == ChatDatabaseProvider.Postgres
            ? db.KnowledgeDocuments.FromSql($"""
                WITH next AS MATERIALIZED (
                    SELECT d."Id" FROM "KnowledgeDocuments" AS d WHERE d."Status" = 'queued'
                    ORDER BY d."CreatedAt", d."Id" LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE "KnowledgeDocuments" AS t SET "Status" = 'reading', "ClaimedBy" = {worker}, "ClaimExpiresAt" = {expires},
                    "Attempts" = t."Attempts" + 1, "UpdatedAt" = {now}
                FROM next WHERE t."Id" = next."Id" AND t."Status" = 'queued'
                RETURNING t.*
                """)
            : db.KnowledgeDocuments.FromSql($"""
                UPDATE "KnowledgeDocuments" SET "Status" = 'reading', "ClaimedBy" = {worker}, "ClaimExpiresAt" = {expires},
                    "Attempts" = "Attempts" + 1, "UpdatedAt" = {now}
                WHERE "Id" = (SELECT "Id" FROM "KnowledgeDocuments" WHERE "Status" = 'queued' ORDER BY "CreatedAt", "Id" LIMIT 1)
                  AND "Status" = 'queued'
                RETURNING *
                """);
        return (await claimed.AsNoTracking().ToListAsync(cancellationToken)).SingleOrDefault();
    }

    /// <summary>Extends the claim; false when it is no longer held (deleted, or the lease expired and another worker took it).</summary>
    public async Task<bool> RenewAsync(Guid documentId, string worker, TimeSpan lease, CancellationToken cancellationToken)
    {
        var expires = Timestamps.Now(time) + lease;
        return await Held(documentId, worker).ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimExpiresAt, expires), cancellationToken) == 1;
    }

    /// <summary>Records how many pages the document has (known once it is opened); false when the claim is gone.</summary>
    public async Task<bool> SetPageCountAsync(Guid documentId, string worker, int pageCount, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return await Held(documentId, worker).ExecuteUpdateAsync(s => s.SetProperty(d => d.PageCount, pageCount).SetProperty(d => d.UpdatedAt, now),
            cancellationToken) == 1;
    }

    /// <summary>
    /// Saves a page and the progress in one transaction, so a restart resumes after the last saved page and never reads a
    /// saved one again; false (nothing saved) when the claim is no longer held.
    /// </summary>
    public async Task<bool> SavePageAsync(string worker, KnowledgePage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var byVision = page.Source == KnowledgePageSource.Text ? 0 : 1;
        var now = Timestamps.Now(time);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var held = await Held(page.DocumentId, worker).Where(d => d.PagesDone == page.Number - 1)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.PagesDone, page.Number).SetProperty(d => d.PagesByVision, d => d.PagesByVision + byVision)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        if (held != 1)
        {
            return false;
        }

        db.KnowledgePages.Add(page);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.Entry(page).State = EntityState.Detached;
        return true;
    }

    /// <summary>Every page read, in order (for chunking).</summary>
    public Task<List<KnowledgePage>> PagesAsync(Guid documentId, CancellationToken cancellationToken) =>
        db.KnowledgePages.AsNoTracking().Where(p => p.DocumentId == documentId).OrderBy(p => p.Number)
            .Select(p => new KnowledgePage { DocumentId = p.DocumentId, Number = p.Number, Source = p.Source, Text = p.Text }).ToListAsync(cancellationToken);

    /// <summary>Moves a document on (reading → indexing); false when the claim is gone.</summary>
    public async Task<bool> MarkAsync(Guid documentId, string worker, string status, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return await Held(documentId, worker).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>Ready with its chunks, or failed with a code and a sentence; the claim ends. False when it was no longer held.</summary>
    public async Task<bool> FinishAsync(Guid documentId, string worker, int chunks, string? errorCode, string? errorMessage, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        var status = errorCode is null ? KnowledgeDocumentStatus.Ready : KnowledgeDocumentStatus.Failed;
        return await Held(documentId, worker).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.ChunkCount, chunks)
            .SetProperty(d => d.ErrorCode, errorCode).SetProperty(d => d.ErrorMessage, errorMessage).SetProperty(d => d.CompletedAt, now)
            .SetProperty(d => d.UpdatedAt, now).SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimExpiresAt, (DateTime?)null),
            cancellationToken) == 1;
    }

    /// <summary>Gives the document back to the queue (this process stops); its attempt is not counted, its pages stay.</summary>
    public Task<int> ReleaseAsync(Guid documentId, string worker, CancellationToken cancellationToken) =>
        Held(documentId, worker).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, KnowledgeDocumentStatus.Queued)
            .SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimExpiresAt, (DateTime?)null)
            .SetProperty(d => d.Attempts, d => d.Attempts - 1), cancellationToken);

    /// <summary>Claims whose lease expired (their worker died) go back to the queue; returns how many.</summary>
    public Task<int> RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        var now = Timestamps.Now(time);
        return db.KnowledgeDocuments
            .Where(d => (d.Status == KnowledgeDocumentStatus.Reading || d.Status == KnowledgeDocumentStatus.Indexing) && d.ClaimExpiresAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, KnowledgeDocumentStatus.Queued).SetProperty(d => d.ClaimedBy, (string?)null)
                .SetProperty(d => d.ClaimExpiresAt, (DateTime?)null), cancellationToken);
    }

    private IQueryable<KnowledgeDocument> Held(Guid documentId, string worker) =>
        db.KnowledgeDocuments.Where(d => d.Id == documentId && d.ClaimedBy == worker
            && (d.Status == KnowledgeDocumentStatus.Reading || d.Status == KnowledgeDocumentStatus.Indexing));
}
