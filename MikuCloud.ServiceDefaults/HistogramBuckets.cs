namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Histogram bucket boundaries for the percentiles dashboards read. The Aspire dashboard shows the upper bound of the
/// bucket a percentile falls in and Grafana's <c>histogram_quantile</c> interpolates inside it, so a bucket's width is
/// the error an operator reads: boundaries are at most 10 % apart where real values fall.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>
    /// Seconds until something first happens (time to first token or chunk): 10 ms apart to 0.1 s, at most 10 % apart
    /// to 10 s (warm answers), then coarse to 5 min (a cold model load).
    /// </summary>
    public static IReadOnlyList<double> Latency { get; } =
        [.. Fine(10, 10_000, step: 10).Select(ms => ms / 1000.0), 12.5, 15, 20, 30, 45, 60, 90, 120, 180, 300];

    /// <summary>Seconds a whole answer takes: at most 10 % apart from 0.1 s to 2 min, then coarse to 10 min.</summary>
    public static IReadOnlyList<double> Duration { get; } =
        [.. Fine(100, 120_000, step: 10).Select(ms => ms / 1000.0), 180, 300, 600];

    /// <summary>
    /// Whole-number boundaries from <paramref name="from"/> to at least <paramref name="to"/>: <paramref name="step"/>
    /// apart while that is finer than 10 %, then each at most 10 % above the one before.
    /// </summary>
    public static IEnumerable<double> Fine(long from, long to, long step)
    {
        for (var b = from; ; b = Math.Max(b + step, (long)Math.Floor(b * 1.1)))
        {
            yield return b;
            if (b >= to)
            {
                yield break;
            }
        }
    }
}
