using System.Collections.Concurrent;

namespace MikuCloud.Api.Usage;

/// <summary>
/// The SQL that keeps <see cref="UsageRollup"/>: one upsert adding an answer to its twelve rows (hour, day and month × all, user,
/// model, door), and the backfill that builds the table from existing <see cref="AnswerUsage"/>. Plain
/// <c>INSERT … ON CONFLICT … DO UPDATE</c>, the same on SQLite and PostgreSQL, so every replica adds exactly.
/// </summary>
public static class UsageRollupSql
{
    /// <summary>The rollup's table.</summary>
    public const string Table = "\"UsageRollups\"";

    private const string Counters = "\"Answers\", \"InputTokens\", \"OutputTokens\", \"Images\", \"Failures\"";

    private static readonly string[] Summed = ["Answers", "InputTokens", "OutputTokens", "Images", "Failures"];

    private static readonly ConcurrentDictionary<int, string> Upserts = new();

    /// <summary>
    /// Adds one answer; parameters <c>{0}</c> hour start, <c>{1}</c> day start, <c>{2}</c> input tokens, <c>{3}</c>
    /// output tokens, <c>{4}</c> images, <c>{5}</c> 1 when it failed, <c>{6}</c> owner, <c>{7}</c> model, <c>{8}</c> door,
    /// <c>{9}</c> month start.
    /// One statement per histogram bucket (-1: no first token), built once.
    /// </summary>
    public static string Upsert(int? bucket) => Upserts.GetOrAdd(bucket ?? -1, BuildUpsert);

    /// <summary>The upsert's parameters for <paramref name="usage"/>, in <see cref="Upsert"/>'s order.</summary>
    public static object[] UpsertArguments(AnswerUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var at = DateTime.SpecifyKind(usage.CreatedAt, DateTimeKind.Utc);
        return
        [
            HourOf(at), UsageGrain.Start(UsageGrain.Day, at), (long)(usage.InputTokens ?? 0), (long)(usage.OutputTokens ?? 0), (long)usage.ImageCount,
            IsFailure(usage.Status) ? 1L : 0L, usage.OwnerId, usage.Model, usage.Door, UsageGrain.Start(UsageGrain.Month, at),
        ];
    }

    /// <summary>Whether an answer with this status counts as a failure (failed, or interrupted by a restart).</summary>
    public static bool IsFailure(string status) => status is MessageStatus.Failed or MessageStatus.Interrupted;

    /// <summary>The start of <paramref name="at"/>'s hour.</summary>
    public static DateTime HourOf(DateTime at) => UsageGrain.Start(UsageGrain.Hour, at);

    /// <summary>
    /// Builds the rollup from every <see cref="AnswerUsage"/> (for an empty table: the migration that creates it). The
    /// inner query counts per period, key and bucket (the bucket computed once a row), the outer one turns buckets into columns.
    /// </summary>
    public static string Backfill(bool postgres)
    {
        var statements = new List<string>();
        foreach (var grain in UsageGrain.All)
        {
            var period = (postgres, grain) switch
            {
                (true, UsageGrain.Hour) => "date_trunc('hour', \"CreatedAt\", 'UTC')",
                (true, UsageGrain.Day) => "date_trunc('day', \"CreatedAt\", 'UTC')",
                (true, _) => "date_trunc('month', \"CreatedAt\", 'UTC')",
                (false, UsageGrain.Hour) => "substr(\"CreatedAt\", 1, 13) || ':00:00'",
                (false, UsageGrain.Day) => "substr(\"CreatedAt\", 1, 10) || ' 00:00:00'",
                _ => "substr(\"CreatedAt\", 1, 7) || '-01 00:00:00'",
            };
            foreach (var (dimension, key) in new[] { (UsageDimension.All, "''"), (UsageDimension.User, "\"OwnerId\""), (UsageDimension.Model, "\"Model\""), (UsageDimension.Door, "\"Door\"") })
            {
                statements.Add(
                    $"INSERT INTO {Table} (\"Grain\", \"PeriodStart\", \"Dimension\", \"Key\", {Counters}, {string.Join(", ", TtftHistogram.Columns.Select(c => $"\"{c}\""))}) "
                    + $"SELECT {grain}, p, '{dimension}', k, SUM(n), SUM(i), SUM(o), SUM(img), SUM(f), "
                    + string.Join(", ", TtftHistogram.Columns.Select((_, b) => $"SUM(CASE WHEN b = {b} THEN n ELSE 0 END)"))
                    + " FROM (SELECT p, k, b, COUNT(*) AS n, SUM(i) AS i, SUM(o) AS o, SUM(img) AS img, SUM(f) AS f"
                    + $" FROM (SELECT {period} AS p, {key} AS k, COALESCE(\"InputTokens\", 0) AS i, COALESCE(\"OutputTokens\", 0) AS o, \"ImageCount\" AS img, "
                    + $"CASE WHEN \"Status\" IN ('{MessageStatus.Failed}', '{MessageStatus.Interrupted}') THEN 1 ELSE 0 END AS f, "
                    + $"{TtftHistogram.SqlBucketOf("\"TimeToFirstTokenMs\"")} AS b FROM \"AnswerUsage\") u GROUP BY p, k, b) g GROUP BY p, k;");
            }
        }

        return string.Join("\n", statements);
    }

    private static string BuildUpsert(int bucket)
    {
        var histogram = bucket >= 0 ? $", \"{TtftHistogram.Columns[bucket]}\"" : "";
        var one = bucket >= 0 ? ", 1" : "";
        var rows = new List<string>();
        foreach (var (grain, period) in new[] { (UsageGrain.Hour, "{0}"), (UsageGrain.Day, "{1}"), (UsageGrain.Month, "{9}") })
        {
            foreach (var (dimension, key) in new[] { (UsageDimension.All, "''"), (UsageDimension.User, "{6}"), (UsageDimension.Model, "{7}"), (UsageDimension.Door, "{8}") })
            {
                rows.Add($"({grain}, {period}, '{dimension}', {key}, 1, {{2}}, {{3}}, {{4}}, {{5}}{one})");
            }
        }

        var sums = Summed.Concat(bucket >= 0 ? [TtftHistogram.Columns[bucket]] : []).Select(c => $"\"{c}\" = {Table}.\"{c}\" + excluded.\"{c}\"");
        return $"INSERT INTO {Table} (\"Grain\", \"PeriodStart\", \"Dimension\", \"Key\", {Counters}{histogram}) VALUES {string.Join(", ", rows)} "
            + $"ON CONFLICT (\"Grain\", \"Dimension\", \"PeriodStart\", \"Key\") DO UPDATE SET {string.Join(", ", sums)}";
    }
}
