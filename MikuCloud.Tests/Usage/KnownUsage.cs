using MikuCloud.Api.Usage;

namespace MikuCloud.Tests.Usage;

/// <summary>
/// A known, varied set of answers' usage (seeded, so every run is the same): several users, models and doors, every
/// ending, missing timings, images; placed around hour and day boundaries and a window's edges. And the figures the
/// analytics must give for them, computed here the plain way (a scan with nearest-rank percentiles).
/// </summary>
internal static class KnownUsage
{
    public static readonly string[] Models = ["miku-vl", "miku-text", "miku-vl-moe"];
    public static readonly string[] Doors = ["chat", "openai", "mcp", "batch"];
    private static readonly string[] Statuses = ["complete", "complete", "complete", "truncated", "failed", "cancelled", "interrupted"];

    /// <summary>Answers for <paramref name="owners"/> between <paramref name="start"/> and <paramref name="end"/>, plus some exactly on <paramref name="edges"/> and a tick either side.</summary>
    public static List<AnswerUsage> Make(IReadOnlyList<string> owners, DateTime start, DateTime end, int count, IEnumerable<DateTime> edges, int seed = 17)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, count).Select(_ => start + TimeSpan.FromTicks((long)(random.NextDouble() * (end - start).Ticks))).ToList();
        foreach (var edge in edges)
        {
            times.AddRange([edge, edge.AddTicks(-1), edge.AddTicks(1), edge.AddMinutes(59)]);
        }

        return times.Select(at =>
        {
            var status = Statuses[random.Next(Statuses.Length)];
            var noToken = status == "failed" && random.Next(2) == 0;
            return new AnswerUsage
            {
                Id = Guid.NewGuid(), OwnerId = owners[Math.Min(owners.Count - 1, (int)(random.NextDouble() * random.NextDouble() * owners.Count))],
                Door = Doors[random.Next(Doors.Length)], Model = Models[random.Next(Models.Length)], PresetId = "default", Status = status,
                InputTokens = noToken && random.Next(2) == 0 ? null : random.Next(1, 5_000), OutputTokens = noToken ? null : random.Next(0, 2_000),
                TimeToFirstTokenMs = noToken ? null : Math.Round(10 * Math.Pow(60_000, random.NextDouble()), 3), // 10 ms … 10 min, log-uniform
                ImageCount = random.Next(4) == 0 ? random.Next(1, 4) : 0, CreatedAt = DateTime.SpecifyKind(at, DateTimeKind.Utc),
            };
        }).ToList();
    }

    /// <summary>What one group (or all of <paramref name="usage"/>) must show: counts, sums and exact nearest-rank percentiles.</summary>
    public static Expected Of(string key, IReadOnlyCollection<AnswerUsage> usage)
    {
        var ttft = usage.Where(u => u.TimeToFirstTokenMs is not null).Select(u => u.TimeToFirstTokenMs!.Value).Order().ToList();
        return new Expected(key, usage.Count, usage.Sum(u => (long)(u.InputTokens ?? 0)), usage.Sum(u => (long)(u.OutputTokens ?? 0)),
            usage.Sum(u => (long)u.ImageCount), usage.Count(u => u.Status is "failed" or "interrupted"),
            NearestRank(ttft, 50), NearestRank(ttft, 95), NearestRank(ttft, 99));
    }

    public static List<AnswerUsage> In(IEnumerable<AnswerUsage> usage, DateTime from, DateTime to) =>
        usage.Where(u => u.CreatedAt >= from && u.CreatedAt < to).ToList();

    private static double? NearestRank(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A group's true figures.</summary>
    public sealed record Expected(string Key, long Answers, long InputTokens, long OutputTokens, long Images, long Failures, double? P50, double? P95, double? P99);
}
