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
/// are the passages with one of the words ranked too, in the same statement, and the two lists merged by rank (exactly
/// the ranking of every match). ts_rank_cd has no inverse document frequency: a chunk repeating one common word would
/// otherwise outrank one that has two of the words asked for.
/// </remarks>
internal static class PostgresFullText
{
    // Words of a query asked for in pairs: 8 make 28 pairs; a longer query (a pasted paragraph) ranks every match.
    private const int MaxPairedTokens = 8;

    private const string AnySql = """
        SELECT c."Id" AS "Value"
        FROM "KnowledgeChunks" AS c, to_tsquery('simple', @query) AS q
        WHERE c."BaseId" = ANY(@bases) AND c."SearchVector" @@ q
        ORDER BY ts_rank_cd(c."SearchVector", q, 1) DESC, c."Id"
        LIMIT @limit
        """;

    // The second list is read only when the first is short (a one-time filter: PostgreSQL then skips its scan).
    private const string PairsFirstSql = """
        WITH q AS (SELECT to_tsquery('simple', @query) AS "Any", to_tsquery('simple', @pairs) AS "Two"),
        "Paired" AS (
            SELECT c."Id", ts_rank_cd(c."SearchVector", q."Any", 1) AS "Rank"
            FROM "KnowledgeChunks" AS c, q
            WHERE c."BaseId" = ANY(@bases) AND c."SearchVector" @@ q."Two"
            ORDER BY "Rank" DESC, c."Id"
            LIMIT @limit),
        "Single" AS (
            SELECT c."Id", ts_rank_cd(c."SearchVector", q."Any", 1) AS "Rank"
            FROM "KnowledgeChunks" AS c, q
            WHERE (SELECT count(*) FROM "Paired") < @limit
                AND c."BaseId" = ANY(@bases) AND c."SearchVector" @@ q."Any" AND NOT c."SearchVector" @@ q."Two"
            ORDER BY "Rank" DESC, c."Id"
            LIMIT @limit)
        SELECT r."Id" AS "Value"
        FROM (SELECT * FROM "Paired" UNION ALL SELECT * FROM "Single") AS r
        ORDER BY r."Rank" DESC, r."Id"
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, IReadOnlyList<string> tokens, int limit,
        CancellationToken ct)
    {
        // Tokens are letters and digits only (KnowledgeSegmenter); quoted, none reads as a tsquery operator.
        var any = string.Join(" | ", tokens.Select(Quote));
        List<NpgsqlParameter> parameters =
        [
            new("query", any), new("bases", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = baseIds.ToArray() }, new("limit", limit),
        ];
        var paired = tokens.Count is >= 2 and <= MaxPairedTokens;
        if (paired)
        {
            parameters.Add(new("pairs", string.Join(" | ", tokens.SelectMany((a, i) => tokens.Skip(i + 1).Select(b => $"({Quote(a)} & {Quote(b)})")))));
        }

        return await db.Database.SqlQueryRaw<long>(paired ? PairsFirstSql : AnySql, [.. parameters]).ToListAsync(ct).ConfigureAwait(false);
    }

    private static string Quote(string token) => $"'{token}'";
}
