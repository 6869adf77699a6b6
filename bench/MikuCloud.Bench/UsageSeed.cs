using Microsoft.Data.Sqlite;
using MikuCloud.Api.Usage;
using Npgsql;
using NpgsqlTypes;

namespace MikuCloud.Bench;

/// <summary>
/// A year of answers for the usage item, as a busy install would have them: 50 users with a Zipf-like skew (a few do
/// most of the work), three models (60/30/10 %), four doors (chat 50 %, openai 30 %, mcp and batch 10 % each), more
/// by day than by night, a few percent failed/cancelled/interrupted, log-normal tokens and time to first token.
/// Written with bulk SQL (one prepared statement in one transaction on SQLite, binary COPY on PostgreSQL), not EF.
/// </summary>
public static class UsageSeed
{
    public const int Users = 50;
    private static readonly string[] Models = ["miku-vl", "miku-text", "miku-vl-moe"];
    private static readonly double[] ModelWeights = [0.6, 0.3, 0.1];
    private static readonly string[] Doors = ["chat", "openai", "mcp", "batch"];
    private static readonly double[] DoorWeights = [0.5, 0.3, 0.1, 0.1];
    private static readonly string[] Statuses = ["complete", "truncated", "failed", "cancelled", "interrupted"];
    private static readonly double[] StatusWeights = [0.93, 0.02, 0.02, 0.02, 0.01];

    public static string UserId(int i) => $"bench-user-{i:00}";

    /// <summary><paramref name="count"/> answers' usage over the year before <paramref name="end"/> (seeded: the same every run).</summary>
    public static IEnumerable<AnswerUsage> Answers(int count, DateTime end)
    {
        var random = new Random(9);
        var userWeights = Enumerable.Range(1, Users).Select(r => 1 / Math.Pow(r, 1.1)).ToArray();
        for (var i = 0; i < count; i++)
        {
            var at = end - TimeSpan.FromTicks((long)(random.NextDouble() * TimeSpan.FromDays(365).Ticks));
            if (at.Hour is < 7 or > 22 && random.Next(3) != 0)
            {
                at = at.AddHours(12); // most night answers move to the day (may land a little past the end: clamped)
                at = at < end ? at : end.AddMinutes(-1);
            }

            var status = Statuses[Pick(random, StatusWeights)];
            var noToken = status == "failed" && random.Next(2) == 0;
            var door = Doors[Pick(random, DoorWeights)];
            yield return new AnswerUsage
            {
                Id = Guid.CreateVersion7(), OwnerId = UserId(Pick(random, userWeights)), Door = door, PresetId = "balanced",
                Model = Models[Pick(random, ModelWeights)], Status = status,
                InputTokens = (int)Math.Min(30_000, Math.Exp(6 + (1.1 * Gaussian(random)))), OutputTokens = noToken ? null : (int)Math.Min(4_000, Math.Exp(5 + (0.9 * Gaussian(random)))),
                TimeToFirstTokenMs = noToken ? null : Math.Round(Math.Exp(6 + (0.8 * Gaussian(random))), 1),
                TotalMs = Math.Round(Math.Exp(8 + (0.7 * Gaussian(random))), 1),
                ImageCount = door is "chat" or "batch" && random.Next(5) == 0 ? random.Next(1, 4) : 0,
                CreatedAt = DateTime.SpecifyKind(at, DateTimeKind.Utc),
            };
        }
    }

    /// <summary>Inserts <paramref name="usage"/> into a migrated SQLite database in one transaction.</summary>
    public static async Task InsertSqliteAsync(string connectionString, IEnumerable<AnswerUsage> usage, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO \"AnswerUsage\" (\"Id\", \"OwnerId\", \"Door\", \"PresetId\", \"Model\", \"Status\", \"InputTokens\", \"OutputTokens\", "
            + "\"TimeToFirstTokenMs\", \"TotalMs\", \"ImageCount\", \"CreatedAt\") VALUES ($id, $owner, $door, $preset, $model, $status, $in, $out, $ttft, $total, $images, $at)";
        var p = new[] { "$id", "$owner", "$door", "$preset", "$model", "$status", "$in", "$out", "$ttft", "$total", "$images", "$at" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        insert.Prepare();
        foreach (var u in usage)
        {
            object?[] values = [u.Id.ToString().ToUpperInvariant(), u.OwnerId, u.Door, u.PresetId, u.Model, u.Status, u.InputTokens, u.OutputTokens, u.TimeToFirstTokenMs, u.TotalMs, u.ImageCount, u.CreatedAt];
            for (var i = 0; i < p.Length; i++)
            {
                p[i].Value = values[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts <paramref name="usage"/> into a migrated PostgreSQL database with binary COPY.</summary>
    public static async Task InsertPostgresAsync(string connectionString, IEnumerable<AnswerUsage> usage, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY \"AnswerUsage\" (\"Id\", \"OwnerId\", \"Door\", \"PresetId\", \"Model\", \"Status\", \"InputTokens\", \"OutputTokens\", \"TimeToFirstTokenMs\", \"TotalMs\", \"ImageCount\", \"CreatedAt\") FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var u in usage)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(u.Id, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(u.OwnerId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(u.Door, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(u.PresetId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(u.Model, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(u.Status, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(copy, u.InputTokens, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(copy, u.OutputTokens, NpgsqlDbType.Integer, cancellationToken);
            await WriteNullableAsync(copy, u.TimeToFirstTokenMs, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(copy, u.TotalMs, NpgsqlDbType.Double, cancellationToken);
            await copy.WriteAsync(u.ImageCount, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(u.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, type, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }
    }

    private static int Pick(Random random, double[] weights)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
