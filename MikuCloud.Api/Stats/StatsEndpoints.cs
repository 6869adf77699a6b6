using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Api.Usage;

namespace MikuCloud.Api.Stats;

/// <summary>
/// Dashboard numbers computed from the recorded usage of every answer (<see cref="AnswerUsage"/>: every door, stored
/// or not; not in-process metrics), so they survive restarts and cover every API replica. Percentiles are nearest-rank.
/// </summary>
public static class StatsEndpoints
{
    private static readonly Dictionary<string, (TimeSpan Window, TimeSpan Bucket)> Windows = new(StringComparer.OrdinalIgnoreCase)
    {
        ["1h"] = (TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)),
        ["24h"] = (TimeSpan.FromHours(24), TimeSpan.FromHours(1)),
        ["7d"] = (TimeSpan.FromDays(7), TimeSpan.FromHours(6)),
        ["30d"] = (TimeSpan.FromDays(30), TimeSpan.FromDays(1)),
    };

    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", async (string? window, HttpContext http, ChatDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                if (!Windows.TryGetValue(window ?? "24h", out var w))
                {
                    throw ApiProblem.Invalid("window", $"Use one of: {string.Join(", ", Windows.Keys)}.");
                }

                var to = clock.GetUtcNow().UtcDateTime;
                // Buckets start on whole hours/days, so the chart reads 13:00, 14:00… rather than 13:24, 14:24…
                var from = new DateTime((to - w.Window).Ticks / w.Bucket.Ticks * w.Bucket.Ticks, DateTimeKind.Utc);
                var owner = Conversations.CurrentOwner.Of(http);
                var rows = await db.AnswerUsage.AsNoTracking()
                    .Where(u => u.OwnerId == owner && u.CreatedAt >= from)
                    .Select(u => new Row(u.CreatedAt, u.Status, u.PresetId, u.Model, u.TimeToFirstTokenMs, u.TotalMs,
                        u.OutputTokensPerSecond, u.PromptTokensPerSecond, u.InputTokens, u.OutputTokens, u.Door))
                    .ToListAsync(ct);
                return Results.Ok(Build(rows, from, to, w.Bucket));
            })
            .WithTags("Stats")
            .WithSummary("Time to first token, tokens/s, requests and failures for a window (1h, 24h, 7d, 30d), by preset, model and door, from every answer's usage.");
        return app;
    }

    internal sealed record Row(DateTime CreatedAt, string Status, string Preset, string Model, double? Ttft, double? Total,
        double? OutputRate, double? PromptRate, int? InputTokens, int? OutputTokens, string Door);

    internal static StatsReport Build(IReadOnlyList<Row> rows, DateTime from, DateTime to, TimeSpan bucket)
    {
        var buckets = new List<StatsBucket>();
        for (var start = from; start < to; start += bucket)
        {
            var end = start + bucket;
            var inBucket = rows.Where(r => r.CreatedAt >= start && r.CreatedAt < end).ToList();
            var ttfts = Sorted(inBucket.Select(r => r.Ttft));
            buckets.Add(new StatsBucket(start, inBucket.Count, inBucket.Count(IsFailure),
                Percentile(ttfts, 50), Percentile(ttfts, 95), Percentile(Sorted(inBucket.Select(r => r.OutputRate)), 50)));
        }

        return new StatsReport(from, to, (int)bucket.TotalSeconds, Summarize("all", rows),
            rows.GroupBy(r => r.Preset).OrderByDescending(g => g.Count()).Select(g => Summarize(g.Key, g.ToList())).ToList(),
            rows.GroupBy(r => r.Model).OrderByDescending(g => g.Count()).Select(g => Summarize(g.Key, g.ToList())).ToList(),
            buckets,
            rows.GroupBy(r => r.Door).OrderByDescending(g => g.Count()).Select(g => Summarize(g.Key, g.ToList())).ToList());
    }

    private static StatsSummary Summarize(string key, IReadOnlyList<Row> rows)
    {
        var ttft = Sorted(rows.Select(r => r.Ttft));
        var output = Sorted(rows.Select(r => r.OutputRate));
        return new StatsSummary(key, rows.Count,
            rows.Count(r => r.Status == MessageStatus.Complete), rows.Count(r => r.Status == MessageStatus.Truncated),
            rows.Count(r => r.Status == MessageStatus.Failed), rows.Count(r => r.Status == MessageStatus.Cancelled),
            rows.Count(r => r.Status == MessageStatus.Interrupted),
            Percentile(ttft, 50), Percentile(ttft, 95), Percentile(Sorted(rows.Select(r => r.Total)), 50),
            Percentile(output, 50), output.Count == 0 ? null : Math.Round(output.Average(), 2),
            Percentile(Sorted(rows.Select(r => r.PromptRate)), 50),
            rows.Sum(r => (long)(r.InputTokens ?? 0)), rows.Sum(r => (long)(r.OutputTokens ?? 0)));
    }

    private static bool IsFailure(Row r) => r.Status is MessageStatus.Failed or MessageStatus.Interrupted;

    private static List<double> Sorted(IEnumerable<double?> values) => values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();

    /// <summary>Nearest-rank percentile: the smallest value with at least p% of values at or below it.</summary>
    internal static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
