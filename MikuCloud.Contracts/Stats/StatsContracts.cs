namespace MikuCloud.Contracts;

/// <summary>
/// Latency and throughput of a set of answers (all, one preset, one model or one door) in <c>GET /api/stats</c>; percentiles are
/// nearest-rank, null when there is nothing to measure.
/// </summary>
public sealed record StatsSummary(
    string Key, int Requests, int Complete, int Truncated, int Failed, int Cancelled, int Interrupted,
    double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? TotalP50Ms,
    double? OutputTokensPerSecondP50, double? OutputTokensPerSecondMean, double? PromptTokensPerSecondP50,
    long InputTokens, long OutputTokens);

/// <summary>One time bucket of the series in <c>GET /api/stats</c>.</summary>
public sealed record StatsBucket(DateTime Start, int Requests, int Failures, double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? OutputTokensPerSecondP50);

/// <summary>The dashboard's numbers (<c>GET /api/stats?window=…</c>): totals, per preset, per model, a time series, and per door.</summary>
/// <remarks>
/// Computed from the recorded usage of every answer (every door, stored or not), not in-process metrics, so they
/// survive restarts and cover every API replica.
/// </remarks>
/// <param name="From">Start of the window (the first bucket's start).</param>
/// <param name="To">End of the window (now).</param>
/// <param name="BucketSeconds">Width of each bucket of <paramref name="Series"/>.</param>
/// <param name="Totals">Every answer in the window.</param>
/// <param name="ByPreset">Per preset, most used first.</param>
/// <param name="ByModel">Per model, most used first.</param>
/// <param name="Series">Requests, failures and latencies per bucket.</param>
/// <param name="ByDoor">Per door the answers came through (<c>chat</c>, <c>openai</c>, <c>mcp</c>…), most used first; null from an API that predates it.</param>
public sealed record StatsReport(DateTime From, DateTime To, int BucketSeconds, StatsSummary Totals,
    IReadOnlyList<StatsSummary> ByPreset, IReadOnlyList<StatsSummary> ByModel, IReadOnlyList<StatsBucket> Series,
    IReadOnlyList<StatsSummary>? ByDoor = null);
