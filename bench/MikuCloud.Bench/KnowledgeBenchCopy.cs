using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace MikuCloud.Bench;

/// <summary>Bulk inserts of synthetic knowledge chunks, one per provider (the full-text rows follow by trigger or generated column).</summary>
internal static class KnowledgeBenchCopy
{
    public static async Task PostgresAsync(NpgsqlConnection connection, Guid baseId, Guid documentId,
        IEnumerable<(int Ordinal, string Text, byte[] Vector, float Scale)> rows, CancellationToken cancellationToken)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(
            """COPY "KnowledgeChunks" ("DocumentId", "BaseId", "Ordinal", "Page", "Offset", "Text", "SearchText", "VectorScale", "Vector") FROM STDIN (FORMAT BINARY)""",
            cancellationToken))
        {
            foreach (var (ordinal, text, vector, scale) in rows)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(documentId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(baseId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(ordinal, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(ordinal / 5 + 1, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(scale, NpgsqlDbType.Real, cancellationToken);
                await copy.WriteAsync(vector, NpgsqlDbType.Bytea, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("""ANALYZE "KnowledgeChunks" """, connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task SqliteAsync(SqliteConnection connection, Guid baseId, Guid documentId,
        IEnumerable<(int Ordinal, string Text, byte[] Vector, float Scale)> rows, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO "KnowledgeChunks" ("DocumentId", "BaseId", "Ordinal", "Page", "Offset", "Text", "SearchText", "VectorScale", "Vector")
            VALUES ($document, $base, $ordinal, $page, 0, $text, $text, $scale, $vector)
            """;
        // EF Core stores a Guid on SQLite as upper-case text.
        insert.Parameters.AddWithValue("$document", documentId.ToString().ToUpperInvariant());
        insert.Parameters.AddWithValue("$base", baseId.ToString().ToUpperInvariant());
        var ordinalParameter = insert.Parameters.Add("$ordinal", SqliteType.Integer);
        var pageParameter = insert.Parameters.Add("$page", SqliteType.Integer);
        var textParameter = insert.Parameters.Add("$text", SqliteType.Text);
        var scaleParameter = insert.Parameters.Add("$scale", SqliteType.Real);
        var vectorParameter = insert.Parameters.Add("$vector", SqliteType.Blob);
        foreach (var (ordinal, text, vector, scale) in rows)
        {
            ordinalParameter.Value = ordinal;
            pageParameter.Value = ordinal / 5 + 1;
            textParameter.Value = text;
            scaleParameter.Value = scale;
            vectorParameter.Value = vector;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
