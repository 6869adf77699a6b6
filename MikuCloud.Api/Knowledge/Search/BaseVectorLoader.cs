using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Reads one base's chunk vectors straight off a data reader into one contiguous buffer: materialising 100,000
/// entities (and a byte array each) through EF Core took seconds and a second copy of every vector.
/// </summary>
internal static class BaseVectorLoader
{
    // The most common vector length wins: after a change of embedding model, the rest wait for their re-index.
    private const string DimensionsSql = """
        SELECT {0}("Vector") AS "Length", COUNT(*) AS "Rows"
        FROM "KnowledgeChunks" WHERE "BaseId" = @base AND "Vector" IS NOT NULL
        GROUP BY {0}("Vector") ORDER BY COUNT(*) DESC LIMIT 1
        """;

    private const string RowsSql = """
        SELECT "Id", "VectorScale", "Vector"
        FROM "KnowledgeChunks" WHERE "BaseId" = @base AND "Vector" IS NOT NULL AND {0}("Vector") = @length
        ORDER BY "Id"
        """;

    public static async Task<BaseVectors> LoadAsync(ChatDbContext db, Guid baseId, (int Count, long MaxId) stamp, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        var length = postgres ? "octet_length" : "length";
        // EF Core stores a Guid on SQLite as upper-case text, on PostgreSQL as uuid.
        object baseValue = postgres ? baseId : baseId.ToString().ToUpperInvariant();
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            int dimensions, rows;
            await using (var command = Command(connection, transaction, string.Format(System.Globalization.CultureInfo.InvariantCulture, DimensionsSql, length), baseValue))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return new BaseVectors(stamp, 0, [], [], []);
                }

                dimensions = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                rows = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }

            var ids = new long[rows];
            var scales = new float[rows];
            var values = new byte[(long)rows * dimensions];
            var read = 0;
            await using (var command = Command(connection, transaction, string.Format(System.Globalization.CultureInfo.InvariantCulture, RowsSql, length), baseValue, dimensions))
            await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct).ConfigureAwait(false))
            {
                // A row written between the two queries is left for the next load (the stamp will have moved).
                while (read < rows && await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    ids[read] = reader.GetInt64(0);
                    scales[read] = reader.GetFloat(1);
                    reader.GetBytes(2, 0, values, read * dimensions, dimensions);
                    read++;
                }
            }

            return read == rows
                ? new BaseVectors(stamp, dimensions, ids, scales, values)
                : new BaseVectors(stamp, dimensions, ids[..read], scales[..read], values[..(read * dimensions)]);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, object baseValue, int? length = null)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Add(command, "@base", baseValue);
        if (length is { } l)
        {
            Add(command, "@length", l);
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
