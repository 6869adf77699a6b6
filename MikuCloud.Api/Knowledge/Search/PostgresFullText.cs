using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using Npgsql;
using NpgsqlTypes;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Full-text ranking on PostgreSQL: the generated column <c>KnowledgeChunks.SearchVector</c> (<c>to_tsvector('simple',
/// SearchText)</c>, GIN-indexed), ranked by ts_rank_cd divided by 1 + log(length) (normalisation 1: as bm25 does on
/// SQLite, a short passage matching a word outranks a long one matching it as often). The 'simple' configuration only
/// lower-cases: the words are KnowledgeSegmenter's, the same as on SQLite.
/// </summary>
/// <remarks>
/// ts_rank_cd reads every match's row, and a question's words each match a share of a large base (four words of middling
/// frequency, a few thousand of 100,000 chunks). So the passages sharing at least two of the query's words are ranked
/// first, found through the GIN index alone (any two of the words, as a tsquery); only when they are fewer than asked for
/// is every match ranked. ts_rank_cd has no inverse document frequency: a chunk repeating one common word otherwise
/// outranks one that has two of the words asked for.
/// </remarks>
internal static class PostgresFullText
{
    // Words of a query asked for in pairs: 8 make 28 pairs; a longer query (a pasted paragraph) ranks every match.
    private const int MaxPairedTokens = 8;

    private const string Sql = """
        SELECT c."Id" AS "Value"
        FROM "KnowledgeChunks" AS c, to_tsquery('simple', @query) AS q, to_tsquery('simple', @match) AS m
        WHERE c."BaseId" = ANY(@bases) AND c."SearchVector" @@ m
        ORDER BY ts_rank_cd(c."SearchVector", q, 1) DESC, c."Id"
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, IReadOnlyList<string> tokens, int limit,
        CancellationToken ct)
    {
        // Tokens are letters and digits only (KnowledgeSegmenter); quoted, none reads as a tsquery operator.
        var any = string.Join(" | ", tokens.Select(Quote));
        if (tokens.Count is >= 2 and <= MaxPairedTokens)
        {
            var pairs = string.Join(" | ", tokens.SelectMany((a, i) => tokens.Skip(i + 1).Select(b => $"({Quote(a)} & {Quote(b)})")));
            var best = await RankAsync(db, baseIds, any, pairs, limit, ct).ConfigureAwait(false);
            if (best.Count == limit)
            {
                return best;
            }
        }

        return await RankAsync(db, baseIds, any, any, limit, ct).ConfigureAwait(false);
    }

    /// <summary>Chunks matching <paramref name="match"/>, ranked by <paramref name="query"/>.</summary>
    private static async Task<List<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, string query, string match, int limit,
        CancellationToken ct) =>
        await db.Database.SqlQueryRaw<long>(Sql,
                new NpgsqlParameter("query", query),
                new NpgsqlParameter("match", match),
                new NpgsqlParameter("bases", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = baseIds.ToArray() },
                new NpgsqlParameter("limit", limit))
            .ToListAsync(ct).ConfigureAwait(false);

    private static string Quote(string token) => $"'{token}'";
}
