using System.Data.Common;

namespace MikuCloud.Api.Usage;

/// <summary>One group's summed rollup rows as read from the database: counts, tokens and the histogram.</summary>
internal sealed record UsageSums(string Key, long Answers, long InputTokens, long OutputTokens, long Images, long Failures, long[] Histogram)
{
    /// <summary>Reads <c>Key, Answers, InputTokens, OutputTokens, Images, Failures, T00…T63</c>.</summary>
    public static UsageSums Read(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            [.. Enumerable.Range(6, TtftHistogram.Buckets).Select(reader.GetInt64)]);

    /// <summary>The sum of groups that split the same answers (each answer is in exactly one user, model or door).</summary>
    public static UsageSums Total(IReadOnlyList<UsageSums> groups) =>
        new("", groups.Sum(g => g.Answers), groups.Sum(g => g.InputTokens), groups.Sum(g => g.OutputTokens), groups.Sum(g => g.Images),
            groups.Sum(g => g.Failures), [.. Enumerable.Range(0, TtftHistogram.Buckets).Select(i => groups.Sum(g => g.Histogram[i]))]);

    public UsageRow ToRow(string? name) =>
        new(Key, name, Answers, InputTokens, OutputTokens, Images, Failures,
            TtftHistogram.Percentile(Histogram, 50), TtftHistogram.Percentile(Histogram, 95), TtftHistogram.Percentile(Histogram, 99));
}
