namespace MikuCloud.Contracts;

/// <summary>
/// Latency and throughput of a set of answers (all, one preset or one model) in <c>GET /api/stats</c>; percentiles are
/// nearest-rank, null when there is nothing to measure.
/// </summary>
public sealed record StatsSummary(
    string Key, int Requests, int Complete, int Truncated, int Failed, int Cancelled, int Interrupted,
    double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? TotalP50Ms,
    double? OutputTokensPerSecondP50, double? OutputTokensPerSecondMean, double? PromptTokensPerSecondP50,
    long InputTokens, long OutputTokens);

/// <summary>One time bucket of the series in <c>GET /api/stats</c>.</summary>
public sealed record StatsBucket(DateTime Start, int Requests, int Failures, double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? OutputTokensPerSecondP50);

/// <summary>The dashboard's numbers (<c>GET /api/stats?window=…</c>): totals, per preset, per model, and a time series.</summary>
/// <remarks>Computed from the stored answers, not in-process metrics, so they survive restarts and cover every API replica.</remarks>
public sealed record StatsReport(DateTime From, DateTime To, int BucketSeconds, StatsSummary Totals,
    IReadOnlyList<StatsSummary> ByPreset, IReadOnlyList<StatsSummary> ByModel, IReadOnlyList<StatsBucket> Series);
