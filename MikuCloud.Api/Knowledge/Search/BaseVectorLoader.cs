using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reads a base's chunk vectors (all its documents', or only some) straight off a data reader into one contiguous buffer
/// per document: materialising 100,000 entities (and a byte array each) through EF Core took seconds and a second copy
/// of every vector.
/// </summary>
internal static class BaseVectorLoader
{
    // Rows per document and vector length first, so each document's buffer is allocated once at its size. {0}: the
    // provider's byte length; {1}: the base's chunks, or some documents' (through the document index: SQLite's planner
    // walks the whole table for an IN list when its statistics saw one document of 100,000 chunks).
    private const string ShapesSql = """
        SELECT "DocumentId", {0}("Vector") AS "Length", COUNT(*) AS "Rows"
        FROM "KnowledgeChunks"{1} AND "Vector" IS NOT NULL
        GROUP BY "DocumentId", {0}("Vector")
        """;

    private const string RowsSql = """
        SELECT "DocumentId", {0}("Vector") AS "Length", "Id", "VectorScale", "Vector"
        FROM "KnowledgeChunks"{1} AND "Vector" IS NOT NULL
        """;

    /// <summary>The versions of the base's documents that have (or had) vectors.</summary>
    public static async Task<Dictionary<Guid, long>> VersionsAsync(ChatDbContext db, Guid baseId, CancellationToken ct) =>
        await db.KnowledgeVectorVersions.AsNoTracking().Where(v => v.BaseId == baseId)
            .ToDictionaryAsync(v => v.DocumentId, v => v.Version, ct).ConfigureAwait(false);

    /// <summary>
    /// The vectors of <paramref name="only"/> (null: every document of the base), each with its version from
    /// <paramref name="versions"/> (read before: the vectors are as new or newer). A document named but without vectors
    /// comes back empty; one written after <paramref name="versions"/> was read gets version -1.
    /// </summary>
    public static async Task<Dictionary<Guid, DocumentVectors>> LoadAsync(ChatDbContext db, Guid baseId, IReadOnlyDictionary<Guid, long> versions,
        IReadOnlyCollection<Guid>? only, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        var sql = new Sql(postgres, baseId, only);
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var builders = new Dictionary<Guid, Builder>();
            await using (var command = sql.Command(connection, transaction, ShapesSql))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var document = reader.GetGuid(0);
                    var length = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
                    var rows = Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture);
                    // The most common vector length wins: after a change of embedding model, the rest wait for their re-index.
                    if (!builders.TryGetValue(document, out var builder) || builder.Rows < rows)
                    {
                        builders[document] = new Builder(length, rows);
                    }
                }
            }

            await using (var command = sql.Command(connection, transaction, RowsSql))
            await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    // Columns in order (sequential access). A row written between the two queries is left for the next
                    // load (the versions will have moved).
                    if (builders.TryGetValue(reader.GetGuid(0), out var builder) && builder.Dimensions == reader.GetInt32(1) && builder.Read < builder.Rows)
                    {
                        builder.Add(reader.GetInt64(2), reader.GetFloat(3), reader);
                    }
                }
            }

            var documents = (only ?? (IEnumerable<Guid>)versions.Keys).ToDictionary(d => d, d => DocumentVectors.Empty(versions.GetValueOrDefault(d, -1)));
            foreach (var (id, builder) in builders)
            {
                documents[id] = builder.Build(versions.GetValueOrDefault(id, -1));
            }

            return documents;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The two queries' text and parameters for one provider, base and (optional) set of documents.</summary>
    private sealed class Sql(bool postgres, Guid baseId, IReadOnlyCollection<Guid>? only)
    {
        public DbCommand Command(DbConnection connection, DbTransaction? transaction, string template)
        {
            var filter = only is null ? """ WHERE "BaseId" = @base"""
                : postgres ? """ WHERE "DocumentId" = ANY(@documents)"""
                : """ INDEXED BY "IX_KnowledgeChunks_DocumentId_Ordinal" WHERE "DocumentId" IN (SELECT value FROM json_each(@documents))""";
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = string.Format(CultureInfo.InvariantCulture, template, postgres ? "octet_length" : "length", filter);
            // EF Core stores a Guid on SQLite as upper-case text, on PostgreSQL as uuid.
            if (only is null)
            {
                Add(command, "@base", postgres ? baseId : baseId.ToString().ToUpperInvariant());
            }
            else
            {
                Add(command, "@documents", postgres ? only.ToArray() : JsonSerializer.Serialize(only.Select(d => d.ToString().ToUpperInvariant())));
            }

            return command;
        }

        private static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>One document's buffers, filled row by row.</summary>
    private sealed class Builder(int dimensions, int rows)
    {
        private readonly long[] ids = new long[rows];
        private readonly float[] scales = new float[rows];
        private readonly byte[] values = new byte[(long)rows * dimensions];

        public int Dimensions { get; } = dimensions;

        public int Rows { get; } = rows;

        public int Read { get; private set; }

        public void Add(long id, float scale, DbDataReader reader)
        {
            ids[Read] = id;
            scales[Read] = scale;
            reader.GetBytes(4, 0, values, Read * Dimensions, Dimensions);
            Read++;
        }

        public DocumentVectors Build(long version) => Read == Rows
            ? new DocumentVectors(version, Dimensions, ids, scales, values)
            : new DocumentVectors(version, Dimensions, ids[..Read], scales[..Read], values[..(Read * Dimensions)]);
    }
}
