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
    private const string Sql = """
        SELECT c."Id" AS "Value"
        FROM "KnowledgeChunkSearch"
        JOIN "KnowledgeChunks" AS c ON c."Id" = "KnowledgeChunkSearch".rowid
        WHERE "KnowledgeChunkSearch" MATCH $query
          AND c."BaseId" IN (SELECT value FROM json_each($bases))
        ORDER BY bm25("KnowledgeChunkSearch")
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
