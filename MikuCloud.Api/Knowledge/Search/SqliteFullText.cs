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
    // The best matches first, ranked and cut inside FTS5 (ORDER BY rank LIMIT on the virtual table: no join per match, and
    // a query of common words matches a third of a base), then the base filter. Chunks of bases the account cannot read
    // may crowd that cut; when they leave fewer than asked for, the exact query below ranks every match.
    private const string TopSql = """
        WITH "Matches" AS MATERIALIZED (
            SELECT rowid AS "Id", rank AS "Rank"
            FROM "KnowledgeChunkSearch"
            WHERE "KnowledgeChunkSearch" MATCH $query
            ORDER BY rank
            LIMIT $candidates
        )
        SELECT m."Id" AS "Value"
        FROM "Matches" AS m
        JOIN "KnowledgeChunks" AS c ON c."Id" = m."Id"
        WHERE c."BaseId" IN (SELECT value FROM json_each($bases))
        ORDER BY m."Rank"
        LIMIT $limit
        """;

    // Every match, then the base filter and the ranking (materialised: SQLite would otherwise walk the base's chunks and
    // probe the index per row).
    private const string AllSql = """
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

    // How many top matches the cut keeps per passage asked for.
    private const int CandidatesPerResult = 4;

    public static async Task<IReadOnlyList<long>> RankAsync(ChatDbContext db, IReadOnlyCollection<Guid> baseIds, IReadOnlyList<string> tokens, int limit,
        CancellationToken ct)
    {
        // Tokens are letters and digits only (KnowledgeSegmenter), quoted so none reads as an FTS5 operator (AND, NEAR, …).
        var match = string.Join(" OR ", tokens.Select(t => $"\"{t}\""));
        // EF Core stores a Guid on SQLite as upper-case text.
        var bases = JsonSerializer.Serialize(baseIds.Select(b => b.ToString().ToUpperInvariant()));
        var candidates = limit * CandidatesPerResult;
        var top = await db.Database.SqlQueryRaw<long>(TopSql,
                new SqliteParameter("$query", match), new SqliteParameter("$bases", bases), new SqliteParameter("$limit", limit),
                new SqliteParameter("$candidates", candidates))
            .ToListAsync(ct).ConfigureAwait(false);
        if (top.Count == limit)
        {
            return top;
        }

        // Fewer than asked for: either there are no more matches (the exact query agrees, cheaply), or other bases' chunks
        // took part of the cut.
        return await db.Database.SqlQueryRaw<long>(AllSql,
                new SqliteParameter("$query", match), new SqliteParameter("$bases", bases), new SqliteParameter("$limit", limit))
            .ToListAsync(ct).ConfigureAwait(false);
    }
}
