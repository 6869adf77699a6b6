using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Finds the passages that answer a query in the knowledge bases an account can read (its own and the shared ones):
/// the full-text ranking and the vector ranking, fused by reciprocal rank (<see cref="RankFusion"/>), over chunks of
/// documents that are ready, then optionally reranked by the chat model (<see cref="KnowledgeReranker"/>). Bases the
/// account cannot read are ignored exactly like unknown ones.
/// </summary>
public sealed class KnowledgeRetriever(ChatDbContext db, KnowledgeEmbedder embedder, KnowledgeVectorIndex vectors, KnowledgeReranker? reranker = null)
{
    // Candidates each ranking contributes to the fusion: deep enough that a passage second-best in both still surfaces.
    private const int MinCandidates = 50;

    /// <summary>
    /// The best <paramref name="top"/> passages for <paramref name="query"/> in <paramref name="baseIds"/> (empty: every base
    /// <paramref name="ownerId"/> can read), best first.
    /// </summary>
    public async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string ownerId, IReadOnlyCollection<Guid> baseIds, string query, int top,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(baseIds);
        ArgumentNullException.ThrowIfNull(query);
        var readable = await ReadableBasesAsync(ownerId, baseIds, ct).ConfigureAwait(false);
        if (readable.Count == 0 || top <= 0 || string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        var depth = Math.Max(MinCandidates, top * 4);
        var fullText = await KnowledgeFullText.RankAsync(db, readable, query, depth, ct).ConfigureAwait(false);
        var embedded = await embedder.TryEmbedAsync([query], ct).ConfigureAwait(false);
        var nearest = embedded is [var vector]
            ? await vectors.RankAsync(db, readable, vector, depth, ct).ConfigureAwait(false)
            : [];
        var fused = RankFusion.Fuse(fullText, nearest);
        if (reranker is null)
        {
            return await LoadAsync(fused, top, ct).ConfigureAwait(false);
        }

        var candidates = await LoadAsync(fused, reranker.CandidatesFor(top), ct).ConfigureAwait(false);
        return await reranker.RerankAsync(ownerId, query, candidates, top, ct).ConfigureAwait(false);
    }

    /// <summary>The named bases the owner may read (all readable ones when none are named); others are left out, unknown or not.</summary>
    public async Task<List<Guid>> ReadableBasesAsync(string ownerId, IReadOnlyCollection<Guid> baseIds, CancellationToken ct)
    {
        var query = db.KnowledgeBases.AsNoTracking().Where(b => b.OwnerId == ownerId || b.Shared);
        if (baseIds.Count > 0)
        {
            var wanted = baseIds.Distinct().ToList();
            query = query.Where(b => wanted.Contains(b.Id));
        }

        return await query.Select(b => b.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The passages of the fused ranking, in its order, skipping chunks of documents not (or no longer) ready.</summary>
    private async Task<IReadOnlyList<RetrievedPassage>> LoadAsync(IReadOnlyList<(long Id, double Score)> fused, int top, CancellationToken ct)
    {
        // The best few first (twice what is asked: a chunk of a document being re-read is skipped), the rest of the
        // ranking only when those fall short: reading a hundred passages' text for five took a third of a search.
        var first = fused.Take(top * 2).ToList();
        var rows = await ReadyRowsAsync(first, ct).ConfigureAwait(false);
        if (rows.Count < top && fused.Count > first.Count)
        {
            rows = await ReadyRowsAsync(fused, ct).ConfigureAwait(false);
        }

        var chosen = fused.Where(f => rows.ContainsKey(f.Id)).Take(top).Select(f => (Row: rows[f.Id], f.Score)).ToList();

        var documents = chosen.Select(c => c.Row.DocumentId).Distinct().ToList();
        var pagesWithImage = (await db.KnowledgePages.AsNoTracking()
                .Where(p => documents.Contains(p.DocumentId) && p.Image != null)
                .Select(p => new { p.DocumentId, p.Number })
                .ToListAsync(ct).ConfigureAwait(false))
            .Select(p => (p.DocumentId, p.Number)).ToHashSet();

        return [.. chosen.Select(c => new RetrievedPassage(c.Row.Id, c.Row.DocumentId, c.Row.BaseId, c.Row.FileName, c.Row.Page, c.Row.Heading,
            c.Row.Text, c.Score, pagesWithImage.Contains((c.Row.DocumentId, c.Row.Page))))];
    }

    private async Task<Dictionary<long, ReadyChunk>> ReadyRowsAsync(IEnumerable<(long Id, double Score)> ranked, CancellationToken ct)
    {
        var ids = ranked.Select(f => f.Id).ToList();
        return await db.KnowledgeChunks.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Join(db.KnowledgeDocuments.Where(d => d.Status == KnowledgeDocumentStatus.Ready), c => c.DocumentId, d => d.Id,
                (c, d) => new ReadyChunk(c.Id, c.DocumentId, c.BaseId, d.FileName, c.Page, c.Heading, c.Text))
            .ToDictionaryAsync(r => r.Id, ct).ConfigureAwait(false);
    }

    private sealed record ReadyChunk(long Id, Guid DocumentId, Guid BaseId, string FileName, int Page, string? Heading, string Text);
}
