using MikuCloud.Api.Usage;

namespace MikuCloud.Tests.Usage;

/// <summary>Checks a usage report against the answers it covers: counts and tokens exact, percentiles within the documented resolution.</summary>
internal static class UsageReportAssert
{
    public static void Matches(IReadOnlyCollection<AnswerUsage> inWindow, UsageReport report, IReadOnlyDictionary<string, string>? names = null)
    {
        Func<AnswerUsage, string> key = report.By switch { "user" => u => u.OwnerId, "model" => u => u.Model, _ => u => u.Door };
        var expected = inWindow.GroupBy(key).Select(g => KnownUsage.Of(g.Key, g.ToList())).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var window = $"{report.By} {report.From:O}…{report.To:O}";
        Assert.True(expected.Select(e => e.Key).SequenceEqual(report.Rows.Select(r => r.Key).Order(StringComparer.Ordinal)), $"groups of {window}");
        foreach (var e in expected)
        {
            Same(e, report.Rows.Single(r => r.Key == e.Key), window);
            if (names is not null)
            {
                Assert.Equal(names.GetValueOrDefault(e.Key), report.Rows.Single(r => r.Key == e.Key).Name);
            }
        }

        Same(KnownUsage.Of("", inWindow), report.Totals, window + " totals");
        Assert.Equal(report.Rows.Select(r => r.Answers), report.Rows.Select(r => r.Answers).OrderDescending()); // most used first

        var hourly = report.BucketSeconds == 3600;
        var trend = inWindow.GroupBy(u => hourly ? UsageRollupSql.HourOf(u.CreatedAt) : u.CreatedAt.Date)
            .ToDictionary(g => g.Key, g => (Answers: (long)g.Count(), g.Sum(u => (long)(u.InputTokens ?? 0)), g.Sum(u => (long)(u.OutputTokens ?? 0)), g.LongCount(u => u.Status is "failed" or "interrupted")));
        Assert.Equal(report.Trend.Select(p => p.Start), report.Trend.Select(p => p.Start).Order());
        Assert.Equal(report.Trend.Count, report.Trend.Select(p => p.Start).Distinct().Count());
        Assert.All(report.Trend.Zip(report.Trend.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(report.BucketSeconds), pair.Second.Start - pair.First.Start));
        foreach (var point in report.Trend)
        {
            var want = trend.GetValueOrDefault(point.Start);
            Assert.True(want == (point.Answers, point.InputTokens, point.OutputTokens, point.Failures), $"trend {window} at {point.Start:O}: {want} vs {point}");
        }

        Assert.Equal(inWindow.Count, report.Trend.Sum(p => p.Answers));
    }

    private static void Same(KnownUsage.Expected e, UsageRow row, string where)
    {
        Assert.True((e.Answers, e.InputTokens, e.OutputTokens, e.Images, e.Failures) == (row.Answers, row.InputTokens, row.OutputTokens, row.Images, row.Failures),
            $"{where} {e.Key}: expected {e}, got {row}");
        Within(e.P50, row.TimeToFirstTokenP50Ms, where);
        Within(e.P95, row.TimeToFirstTokenP95Ms, where);
        Within(e.P99, row.TimeToFirstTokenP99Ms, where);
    }

    /// <summary>The documented resolution: the bucket's upper bound, never below the exact value and less than one bucket above it.</summary>
    public static void Within(double? exact, double? reported, string where = "")
    {
        if (exact is null)
        {
            Assert.Null(reported);
            return;
        }

        Assert.NotNull(reported);
        Assert.True(reported >= exact && reported <= Math.Max(TtftHistogram.FirstEdgeMs, exact.Value * TtftHistogram.Ratio * 1.000001),
            $"{where}: {reported} ms reported for an exact {exact} ms");
    }
}
