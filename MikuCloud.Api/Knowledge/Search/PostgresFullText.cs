using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using Npgsql;
using NpgsqlTypes;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Full-text ranking on PostgreSQL: the generated column <c>KnowledgeChunks.SearchVector</c> (<c>to_tsvector('simple',
/// SearchText)</c>, GIN-indexed), ranked by ts_rank_cd. The 'simple' configuration only lower-cases: the words are
/// KnowledgeSegmenter's, the same as on SQLite.
/// </summary>
internal static class PostgresFullText
{
    private const string Sql = """
        SELECT c."Id" AS "Value"
        FROM "KnowledgeChunks" AS c, to_tsquery('simple', @query) AS q
        WHERE c."BaseId" = ANY(@bases) AND c."SearchVector" @@ q
        ORDER BY ts_rank_cd(c."SearchVector", q) DESC, c."Id"
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, IReadOnlyList<string> tokens, int limit,
        CancellationToken ct)
    {
        // Tokens are letters and digits only (KnowledgeSegmenter); quoted, none reads as a tsquery operator.
        var query = string.Join(" | ", tokens.Select(t => $"'{t}'"));
        return await db.Database.SqlQueryRaw<long>(Sql,
                new NpgsqlParameter("query", query),
                new NpgsqlParameter("bases", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = baseIds.ToArray() },
                new NpgsqlParameter("limit", limit))
            .ToListAsync(ct).ConfigureAwait(false);
    }
}
