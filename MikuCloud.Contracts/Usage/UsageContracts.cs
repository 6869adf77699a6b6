namespace MikuCloud.Contracts;

/// <summary>
/// One group of <c>GET /api/admin/usage</c> (a user, a model or a door), or the totals: answers, tokens, images,
/// failures (failed + interrupted) and time-to-first-token percentiles (upper bound of a log-scale bucket, see
/// <see cref="UsageReport.Resolution"/>; null when no answer in the group produced a token).
/// </summary>
/// <param name="Key">The owner id, model or door (empty for the totals).</param>
/// <param name="Name">For users: their display name and user name ("Miku (miku)"); else null.</param>
/// <param name="Answers">Answers that started, however they ended.</param>
/// <param name="InputTokens">Prompt tokens, as the model counted them.</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="Images">Images the model saw in the prompts.</param>
/// <param name="Failures">Answers that ended failed or interrupted.</param>
/// <param name="TimeToFirstTokenP50Ms">Median time to first token (bucket upper bound).</param>
/// <param name="TimeToFirstTokenP95Ms">95th percentile (bucket upper bound).</param>
/// <param name="TimeToFirstTokenP99Ms">99th percentile (bucket upper bound).</param>
public sealed record UsageRow(string Key, string? Name, long Answers, long InputTokens, long OutputTokens, long Images, long Failures,
    double? TimeToFirstTokenP50Ms, double? TimeToFirstTokenP95Ms, double? TimeToFirstTokenP99Ms);

/// <summary>One bucket (an hour or a UTC day) of the trend in <c>GET /api/admin/usage</c>.</summary>
public sealed record UsagePoint(DateTime Start, long Answers, long InputTokens, long OutputTokens, long Failures);

/// <summary>Admin usage analytics for a window (<c>GET /api/admin/usage</c>), grouped one way.</summary>
/// <param name="From">The window's start, on a whole UTC hour (inclusive).</param>
/// <param name="To">The window's end, on a whole UTC hour (exclusive).</param>
/// <param name="By">The grouping: <c>user</c>, <c>model</c> or <c>door</c>.</param>
/// <param name="BucketSeconds">Width of each <paramref name="Trend"/> point: 3600 (windows up to 7 days) or 86400.</param>
/// <param name="Totals">Every answer in the window.</param>
/// <param name="Rows">Per group, most answers first.</param>
/// <param name="Trend">Answers, tokens and failures per bucket, every bucket present (zeros included).</param>
/// <param name="Resolution">How exact the percentiles are, in words.</param>
public sealed record UsageReport(DateTime From, DateTime To, string By, int BucketSeconds, UsageRow Totals,
    IReadOnlyList<UsageRow> Rows, IReadOnlyList<UsagePoint> Trend, string Resolution);
