using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Batches;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>The document endpoints: upload into a base, list a base's documents, follow them, read, delete and re-index one.</summary>
public static class KnowledgeDocumentEndpoints
{
    internal static async Task<Created<KnowledgeDocumentsAdded>> UploadAsync(Guid id, HttpContext http, KnowledgeStore store, KnowledgeDocumentIntake intake)
    {
        var cancellationToken = http.RequestAborted;
        var knowledgeBase = await store.FindOwnedBaseAsync(CurrentOwner.Of(http), id, cancellationToken);
        await intake.BeginAsync(knowledgeBase, cancellationToken);
        await foreach (var part in BatchUploadForm.ReadAsync(http.Request, cancellationToken))
        {
            if (part.IsFile && part.Name == "files")
            {
                await BatchUploadForm.ReadFileAsync(() => intake.AddFileAsync(part.FileName!, part.Body!, cancellationToken), cancellationToken);
            }
        }

        return TypedResults.Created($"{KnowledgeMapping.BaseUrl(id)}/documents", new KnowledgeDocumentsAdded(intake.Added, intake.Refused));
    }

    internal static async Task<Ok<List<KnowledgeDocumentDto>>> ListAsync(Guid id, HttpContext http, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        await store.FindReadableBaseAsync(owner, id, cancellationToken);
        var documents = await KnowledgeMapping.ToDtos(store.ReadableDocuments(owner).Where(d => d.BaseId == id).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(documents.Select(KnowledgeMapping.AsUtc).ToList());
    }

    internal static async Task<KnowledgeEventsResult> EventsAsync(Guid id, HttpContext http, KnowledgeStore store, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        await store.FindReadableBaseAsync(owner, id, cancellationToken);
        return new KnowledgeEventsResult(id, owner);
    }

    internal static async Task<Ok<KnowledgeDocumentDto>> GetAsync(Guid id, HttpContext http, KnowledgeStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.FindReadableDocumentAsync(CurrentOwner.Of(http), id, cancellationToken));

    internal static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, KnowledgeStore store, KnowledgeRemoval removal, CancellationToken cancellationToken)
    {
        var document = await store.FindOwnedDocumentAsync(CurrentOwner.Of(http), id, cancellationToken);
        await removal.RemoveDocumentAsync(document.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Accepted<KnowledgeDocumentDto>> ReindexAsync(Guid id, HttpContext http, ChatDbContext db, KnowledgeStore store, KnowledgeRemoval removal,
        KnowledgeSignals signals, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = CurrentOwner.Of(http);
        var document = await store.FindOwnedDocumentAsync(owner, id, cancellationToken);
        var now = Timestamps.Now(time);
        // One transaction: a worker claiming it at the same moment either sees it queued afresh with no pages, or keeps it (busy).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var requeued = await db.KnowledgeDocuments
            .Where(d => d.Id == id && d.OwnerId == owner && d.Status != KnowledgeDocumentStatus.Reading && d.Status != KnowledgeDocumentStatus.Indexing)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, KnowledgeDocumentStatus.Queued).SetProperty(d => d.PageCount, (int?)null)
                .SetProperty(d => d.PagesDone, 0).SetProperty(d => d.PagesByVision, 0).SetProperty(d => d.ChunkCount, 0)
                .SetProperty(d => d.ErrorCode, (string?)null).SetProperty(d => d.ErrorMessage, (string?)null).SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.CompletedAt, (DateTime?)null).SetProperty(d => d.UpdatedAt, now), cancellationToken);
        if (requeued == 0)
        {
            throw KnowledgeProblems.Busy(document.Status);
        }

        await removal.ClearAsync(id, cancellationToken);
        // Read inside the transaction: the answer says what this request did (queued, nothing read). Read after the
        // pulse, a quick worker had already read a page (seen on CI: pagesDone 1 in the 202).
        var queued = await store.FindOwnedDocumentAsync(owner, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signals.Pulse();
        return TypedResults.Accepted($"/api/knowledge/documents/{id}", queued);
    }
}
