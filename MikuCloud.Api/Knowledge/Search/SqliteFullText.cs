using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Full-text ranking on SQLite: the FTS5 table <c>KnowledgeChunkSearch</c> (external content over
/// <c>KnowledgeChunks.SearchText</c>, kept in step by triggers), ranked by bm25.
/// </summary>
internal static class SqliteFullText
{
    // The full-text match first (materialised: SQLite would otherwise walk the base's chunks and probe the index per row),
    // then the base filter and the ranking.
    private const string Sql = """
        WITH "Matches" AS MATERIALIZED (
            SELECT rowid AS "Id", bm25("KnowledgeChunkSearch") AS "Rank"
            FROM "KnowledgeChunkSearch"
            WHERE "KnowledgeChunkSearch" MATCH $query
        )
        SELECT m."Id" AS "Value"
        FROM "Matches" AS m
        JOIN "KnowledgeChunks" AS c ON c."Id" = m."Id"
        WHERE c."BaseId" IN (SELECT value FROM json_each($bases))
        ORDER BY m."Rank"
        LIMIT $limit
        """;

    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, IReadOnlyList<string> tokens, int limit,
        CancellationToken ct)
    {
        // Tokens are letters and digits only (KnowledgeSegmenter), quoted so none reads as an FTS5 operator (AND, NEAR, …).
        var match = string.Join(" OR ", tokens.Select(t => $"\"{t}\""));
        // EF Core stores a Guid on SQLite as upper-case text.
        var bases = JsonSerializer.Serialize(baseIds.Select(b => b.ToString().ToUpperInvariant()));
        return await db.Database.SqlQueryRaw<long>(Sql,
                new SqliteParameter("$query", match), new SqliteParameter("$bases", bases), new SqliteParameter("$limit", limit))
            .ToListAsync(ct).ConfigureAwait(false);
    }
}
