using System.Globalization;

namespace MikuCloud.Bench;

public sealed partial class UsageBenchmark
{
    private const double TargetMs = 200;

    private void Report(Section section, int rows, List<Measured> results)
    {
        section.Line($"{rows:N0} answers' usage over the year before now (50 users with a Zipf-like skew, 3 models, 4 doors, more by day, a few")
            .Line("percent failed), bulk-inserted (one prepared statement on SQLite, binary COPY on PostgreSQL), then the rollup built by the")
            .Line("migration's backfill SQL. Each query is `UsageAnalytics.ReportAsync` (what `GET /api/admin/usage` runs) on a fresh context:")
            .Line("the grouped table with TTFT percentiles, user names, and the trend. The PostgreSQL server is a throwaway one on loopback")
            .Line("with durability off (as the tests run it).")
            .Line();
        section.Table(["", .. results.Select(r => r.Provider)],
        [
            ["seeding (bulk insert)", .. results.Select(r => $"{r.SeedMs / 1000:0.0} s")],
            ["building the rollup from them (the migration's backfill)", .. results.Select(r => $"{r.BuildMs / 1000:0.0} s")],
            ["rollup rows (hour, day and month × all/user/model/door)", .. results.Select(r => r.RollupRows.ToString("N0", CultureInfo.InvariantCulture))],
            ["rollup size", .. results.Select(r => Fmt.Bytes(r.RollupBytes))],
            ["365d per user by scanning the answers instead (GROUP BY, no percentiles), p50", .. results.Select(r => Fmt.Ms(r.ScanMs.P50))],
        ]);
        section.Table(["query (window, grouping)", .. results.SelectMany(r => new[] { $"{r.Provider} p50", $"{r.Provider} p99" })],
            results[0].Queries.Select((q, i) => (IReadOnlyList<string>)[$"{q.Window} by {q.By}", .. results.SelectMany(r => new[] { Fmt.Ms(r.Queries[i].Ms.P50), Fmt.Ms(r.Queries[i].Ms.P99) })]));
        section.Line("What keeping the rollup costs each answer (the usage row's write alone, as before, against the same write plus its")
            .Line("twelve-row upsert in one transaction, as now; interleaved in blocks of 50 on the seeded database):")
            .Line();
        section.Table(["one answer's usage write", .. results.SelectMany(r => new[] { $"{r.Provider} before", $"{r.Provider} with rollup" })],
        [
            ["p50", .. results.SelectMany(r => new[] { Fmt.Ms(r.PlainWriteMs.P50), Fmt.Ms(r.RollupWriteMs.P50) })],
            ["p99", .. results.SelectMany(r => new[] { Fmt.Ms(r.PlainWriteMs.P99), Fmt.Ms(r.RollupWriteMs.P99) })],
            ["answers/s (one writer)", .. results.SelectMany(r => new[] { Fmt.N(1000 / r.PlainWriteMs.Mean), Fmt.N(1000 / r.RollupWriteMs.Mean) })],
        ]);

        foreach (var r in results)
        {
            var worst = r.Queries.MaxBy(q => q.Ms.P99);
            var p50 = r.Queries.Max(q => q.Ms.P50);
            var met = options.Scale == BenchScale.Smoke ? (bool?)null : worst.Ms.P99 <= TargetMs && p50 <= TargetMs;
            section.Targets.Add(new TargetCheck("9 usage", $"usage query on {r.Rows:N0} answers, {r.Provider}: worst p50 / worst p99 of 9", "≤ 200 ms",
                $"{Fmt.Ms(p50)} / {Fmt.Ms(worst.Ms.P99)} ({worst.Window} by {worst.By})", met));
            section.Targets.Add(new TargetCheck("9 usage", $"usage write with its rollup, {r.Provider}: p50 before → after", "—",
                $"{Fmt.Ms(r.PlainWriteMs.P50)} → {Fmt.Ms(r.RollupWriteMs.P50)}", null));
            if (met == false)
            {
                section.Gaps.Add(string.Create(CultureInfo.InvariantCulture,
                    $"9 usage on {r.Provider}: {worst.Window} by {worst.By} took p99 {worst.Ms.P99:0.0} ms on this shared 2-core machine ({r.RollupRows:N0} rollup rows)."));
            }
        }
    }
}
