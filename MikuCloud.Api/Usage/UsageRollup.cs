namespace MikuCloud.Api.Usage;

/// <summary>
/// The answers of one hour (or UTC day, or month) for one user, one model, one door or all of them: counts, token sums and a
/// time-to-first-token histogram (<see cref="TtftHistogram"/>, shadow columns <c>T00</c>…<c>T63</c>). Kept up to date
/// in the same transaction as each <see cref="AnswerUsage"/> (<see cref="UsageRollupWriter"/>), so the admin usage
/// analytics read a few thousand rows for a year instead of every answer.
/// </summary>
public sealed class UsageRollup
{
    /// <summary><see cref="UsageGrain.Hour"/>, <see cref="UsageGrain.Day"/> or <see cref="UsageGrain.Month"/>.</summary>
    public int Grain { get; set; }

    /// <summary>The hour's (or day's) start, UTC.</summary>
    public DateTime PeriodStart { get; set; }

    /// <summary>What <see cref="Key"/> names: <c>all</c>, <c>user</c>, <c>model</c> or <c>door</c> (<see cref="UsageDimension"/>).</summary>
    public string Dimension { get; set; } = "";

    /// <summary>The owner id, model or door; empty for <c>all</c>.</summary>
    public string Key { get; set; } = "";

    public long Answers { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long Images { get; set; }

    /// <summary>Answers that ended <c>failed</c> or <c>interrupted</c>.</summary>
    public long Failures { get; set; }
}
