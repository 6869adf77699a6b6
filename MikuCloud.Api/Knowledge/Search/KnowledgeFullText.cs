using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The full-text ranking of chunks for a query, on whichever database the API runs: SQLite's FTS5 (bm25) or
/// PostgreSQL's tsvector (ts_rank_cd). Both index <see cref="KnowledgeChunk.SearchText"/> (migration
/// <c>KnowledgeSearchIndex</c>) and are asked for any of the query's tokens, so a passage sharing more (and rarer)
/// words ranks higher (PostgreSQL, whose ranking has no inverse document frequency, ranks the passages sharing two of
/// them first: see <see cref="PostgresFullText"/>).
/// </summary>
internal static class KnowledgeFullText
{
    // Tokens of one query: a pasted page asks for the first ones only (the ranking stays sharp and the SQL small).
    private const int MaxQueryTokens = 64;

    /// <summary>Chunk ids of <paramref name="baseIds"/> matching <paramref name="query"/>, best first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, string query, int limit, CancellationToken ct)
    {
        var tokens = KnowledgeSegmenter.QueryTokens(query).Take(MaxQueryTokens).ToList();
        if (tokens.Count == 0 || baseIds.Count == 0)
        {
            return [];
        }

        return db.Database.IsNpgsql()
            ? await PostgresFullText.RankAsync(db, baseIds, tokens, limit, ct).ConfigureAwait(false)
            : await SqliteFullText.RankAsync(db, baseIds, tokens, limit, ct).ConfigureAwait(false);
    }
}
