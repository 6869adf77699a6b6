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
        if (top <= 0 || string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.Search);
        // The readable bases and their vectors' versions in one read; the vectors brought up to date if those moved.
        var snapshot = await vectors.CurrentAsync(db, Readable(ownerId, baseIds), ct).ConfigureAwait(false);
        if (snapshot.BaseIds.Count == 0)
        {
            return [];
        }

        var (fullText, nearest) = await RankAsync(snapshot, query, Math.Max(MinCandidates, top * 4), ct).ConfigureAwait(false);
        var fused = RankFusion.Fuse(fullText, nearest);
        if (reranker is null)
        {
            return await LoadAsync(fused, top, ct).ConfigureAwait(false);
        }

        var candidates = await LoadAsync(fused, reranker.CandidatesFor(top), ct).ConfigureAwait(false);
        return await reranker.RerankAsync(ownerId, query, candidates, top, ct).ConfigureAwait(false);
    }

    /// <summary>The named bases the owner may read (all readable ones when none are named); others are left out, unknown or not.</summary>
    public async Task<List<Guid>> ReadableBasesAsync(string ownerId, IReadOnlyCollection<Guid> baseIds, CancellationToken ct) =>
        await Readable(ownerId, baseIds).Select(b => b.Id).ToListAsync(ct).ConfigureAwait(false);

    private IQueryable<KnowledgeBase> Readable(string ownerId, IReadOnlyCollection<Guid> baseIds)
    {
        var query = db.KnowledgeBases.AsNoTracking().ReadableBy(ownerId);
        if (baseIds.Count > 0)
        {
            var wanted = baseIds.Distinct().ToList();
            query = query.Where(b => wanted.Contains(b.Id));
        }

        return query;
    }

    /// <summary>
    /// Both rankings, overlapped: the query is embedded while the database ranks the full text, and the vectors are
    /// scanned (in process) while a PostgreSQL server is still ranking.
    /// </summary>
    private async Task<(IReadOnlyList<long> FullText, IReadOnlyList<long> Nearest)> RankAsync(KnowledgeVectorSnapshot snapshot, string query, int depth,
        CancellationToken ct)
    {
        var embedding = EmbedAsync(query, ct);
        Task<IReadOnlyList<long>>? fullText = null;
        try
        {
            fullText = FullTextAsync(snapshot.BaseIds, query, depth, ct);
            var nearest = await embedding.ConfigureAwait(false) is { } vector ? snapshot.Rank(vector, depth) : [];
            return (await fullText.ConfigureAwait(false), nearest);
        }
        finally
        {
            // An error leaves only once nothing runs on the context any more (and the embedding's outcome is observed).
            await Task.WhenAll(fullText ?? Task.CompletedTask, embedding).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<IReadOnlyList<long>> FullTextAsync(IReadOnlyList<Guid> readable, string query, int depth, CancellationToken ct)
    {
        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.FullText);
        return await KnowledgeFullText.RankAsync(db, readable, query, depth, ct).ConfigureAwait(false);
    }

    /// <summary>The query's vector, or null without an embedding model (retrieval is then full text only).</summary>
    private async Task<float[]?> EmbedAsync(string query, CancellationToken ct)
    {
        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.Embed);
        return await embedder.TryEmbedAsync([query], ct).ConfigureAwait(false) is [var vector] ? vector : null;
    }

    /// <summary>The passages of the fused ranking, in its order, skipping chunks of documents not (or no longer) ready.</summary>
    private async Task<IReadOnlyList<RetrievedPassage>> LoadAsync(IReadOnlyList<(long Id, double Score)> fused, int top, CancellationToken ct)
    {
        using var span = KnowledgeSearchTelemetry.Start(KnowledgeSearchTelemetry.Passages);
        // The best few first (twice what is asked: a chunk of a document being re-read is skipped), the rest of the
        // ranking only when those fall short: reading a hundred passages' text for five took a third of a search. A chunk
        // deleted since the rankings were made is not read, so it is never returned.
        var first = fused.Take(top * 2).ToList();
        var rows = await ReadyRowsAsync(first, ct).ConfigureAwait(false);
        if (rows.Count < top && fused.Count > first.Count)
        {
            rows = await ReadyRowsAsync(fused, ct).ConfigureAwait(false);
        }

        return [.. fused.Where(f => rows.ContainsKey(f.Id)).Take(top).Select(f => rows[f.Id] with { Score = f.Score })];
    }

    private async Task<Dictionary<long, RetrievedPassage>> ReadyRowsAsync(IEnumerable<(long Id, double Score)> ranked, CancellationToken ct)
    {
        var ids = ranked.Select(f => f.Id).ToList();
        return await db.KnowledgeChunks.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Join(db.KnowledgeDocuments.Where(d => d.Status == KnowledgeDocumentStatus.Ready), c => c.DocumentId, d => d.Id,
                (c, d) => new RetrievedPassage(c.Id, c.DocumentId, c.BaseId, d.FileName, c.Page, c.Heading, c.Text, 0,
                    db.KnowledgePages.Any(p => p.DocumentId == c.DocumentId && p.Number == c.Page && p.Image != null)))
            .ToDictionaryAsync(r => r.ChunkId, ct).ConfigureAwait(false);
    }
}
