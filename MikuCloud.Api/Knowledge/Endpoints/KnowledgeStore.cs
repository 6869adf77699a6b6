using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Finding knowledge bases and documents for a caller: readable = their own or shared; writable = their own. Every
/// query filters so, so another user's id is not found, exactly like an unknown one. Lists never read file bytes.
/// </summary>
public sealed class KnowledgeStore(ChatDbContext db)
{
    /// <summary>The bases <paramref name="owner"/> can read: their own and the shared ones.</summary>
    public IQueryable<KnowledgeBase> Readable(string owner) => db.KnowledgeBases.AsNoTracking().ReadableBy(owner);

    /// <summary>A base the caller can read, or 404 <c>knowledge_base_not_found</c>.</summary>
    public async Task<KnowledgeBase> FindReadableBaseAsync(string owner, Guid id, CancellationToken cancellationToken) =>
        await Readable(owner).SingleOrDefaultAsync(b => b.Id == id, cancellationToken) ?? throw KnowledgeProblems.BaseNotFound(id);

    /// <summary>The caller's own base (tracked, to change it), or 404 <c>knowledge_base_not_found</c> (a shared one of someone else included).</summary>
    public async Task<KnowledgeBase> FindOwnedBaseAsync(string owner, Guid id, CancellationToken cancellationToken) =>
        await db.KnowledgeBases.SingleOrDefaultAsync(b => b.Id == id && b.OwnerId == owner, cancellationToken) ?? throw KnowledgeProblems.BaseNotFound(id);

    /// <summary>The documents of bases the caller can read (no file bytes are read through it unless asked for).</summary>
    public IQueryable<KnowledgeDocument> ReadableDocuments(string owner)
    {
        var readable = Readable(owner);
        return db.KnowledgeDocuments.AsNoTracking().Where(d => readable.Any(b => b.Id == d.BaseId));
    }

    /// <summary>A document the caller can read, as the API shows it, or 404 <c>knowledge_document_not_found</c>.</summary>
    public async Task<KnowledgeDocumentDto> FindReadableDocumentAsync(string owner, Guid id, CancellationToken cancellationToken) =>
        await KnowledgeMapping.ToDtos(ReadableDocuments(owner).Where(d => d.Id == id)).SingleOrDefaultAsync(cancellationToken) is { } found
            ? KnowledgeMapping.AsUtc(found)
            : throw KnowledgeProblems.DocumentNotFound(id);

    /// <summary>The caller's own document's state (no bytes), or 404 <c>knowledge_document_not_found</c>.</summary>
    public async Task<KnowledgeDocumentDto> FindOwnedDocumentAsync(string owner, Guid id, CancellationToken cancellationToken) =>
        await KnowledgeMapping.ToDtos(db.KnowledgeDocuments.AsNoTracking().Where(d => d.Id == id && d.OwnerId == owner)).SingleOrDefaultAsync(cancellationToken) is { } found
            ? KnowledgeMapping.AsUtc(found)
            : throw KnowledgeProblems.DocumentNotFound(id);

    /// <summary>The bases as the API shows them, with their document and chunk counts.</summary>
    public async Task<List<KnowledgeBaseDto>> ToDtosAsync(IReadOnlyList<KnowledgeBase> bases, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bases);
        var ids = bases.Select(b => b.Id).ToList();
        var counts = await db.KnowledgeDocuments.AsNoTracking().Where(d => ids.Contains(d.BaseId))
            .GroupBy(d => d.BaseId)
            .Select(g => new { BaseId = g.Key, Documents = g.Count(), Ready = g.Count(d => d.Status == KnowledgeDocumentStatus.Ready), Chunks = g.Sum(d => d.ChunkCount) })
            .ToDictionaryAsync(g => g.BaseId, cancellationToken);
        return bases.Select(b => counts.TryGetValue(b.Id, out var c)
            ? KnowledgeMapping.ToDto(b, owner, c.Documents, c.Ready, c.Chunks)
            : KnowledgeMapping.ToDto(b, owner, 0, 0, 0)).ToList();
    }

    /// <summary>One base as the API shows it.</summary>
    public async Task<KnowledgeBaseDto> ToDtoAsync(KnowledgeBase knowledgeBase, string owner, CancellationToken cancellationToken) =>
        (await ToDtosAsync([knowledgeBase], owner, cancellationToken))[0];
}
