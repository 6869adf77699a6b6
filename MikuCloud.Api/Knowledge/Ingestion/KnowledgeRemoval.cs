using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Deletes documents (or a whole base) with everything made from them: pages, chunks with their vectors, and the
/// full-text index rows. A worker still reading a deleted document loses its claim at its next save and stops.
/// </summary>
public sealed class KnowledgeRemoval(ChatDbContext db, KnowledgeIndexWriter index, KnowledgeSignals signals)
{
    /// <summary>Removes one document and what was made from it.</summary>
    public async Task RemoveDocumentAsync(Guid documentId, CancellationToken cancellationToken)
    {
        await ClearAsync(documentId, cancellationToken);
        await db.KnowledgeDocuments.Where(d => d.Id == documentId).ExecuteDeleteAsync(cancellationToken);
        signals.Pulse();
    }

    /// <summary>Removes a base, its documents and what was made from them, and its use by conversations.</summary>
    public async Task RemoveBaseAsync(Guid baseId, CancellationToken cancellationToken)
    {
        foreach (var id in await db.KnowledgeDocuments.Where(d => d.BaseId == baseId).Select(d => d.Id).ToListAsync(cancellationToken))
        {
            await ClearAsync(id, cancellationToken);
        }

        await db.KnowledgeDocuments.Where(d => d.BaseId == baseId).ExecuteDeleteAsync(cancellationToken);
        await db.ConversationKnowledge.Where(c => c.BaseId == baseId).ExecuteDeleteAsync(cancellationToken);
        await db.KnowledgeBases.Where(b => b.Id == baseId).ExecuteDeleteAsync(cancellationToken);
        signals.Pulse();
    }

    /// <summary>
    /// Removes a document's pages and chunks but keeps the document (a re-index starts it over). Not left to cascades:
    /// the index forgets the document's vectors too (<see cref="KnowledgeIndexWriter.RemoveAsync"/>).
    /// </summary>
    public async Task ClearAsync(Guid documentId, CancellationToken cancellationToken)
    {
        await index.RemoveAsync(db, documentId, cancellationToken);
        await db.KnowledgePages.Where(p => p.DocumentId == documentId).ExecuteDeleteAsync(cancellationToken);
    }
}
