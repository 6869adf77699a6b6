using System.Globalization;

namespace MikuCloud.Api.Usage;

/// <summary>
/// The fixed log-scale histogram of time to first token that the usage rollup keeps per row, so percentiles over any
/// window are a sum of counts rather than a scan of answers. Bucket 0 holds ≤ 10 ms, buckets 1–62 each span a factor of
/// <see cref="Ratio"/> (≈ 1.194) up to 10 minutes, bucket 63 holds anything longer. A percentile is reported as its
/// bucket's upper bound: never below the true nearest-rank value and less than 19.5 % above it (10 ms – 10 min).
/// </summary>
public static class TtftHistogram
{
    /// <summary>How many buckets (and histogram columns) there are.</summary>
    public const int Buckets = 64;

    /// <summary>The upper bound of bucket 0, in milliseconds.</summary>
    public const double FirstEdgeMs = 10;

    /// <summary>The upper bound of bucket 62 (bucket 63 is everything above), in milliseconds.</summary>
    public const double LastEdgeMs = 600_000;

    /// <summary>The factor between one bucket's upper bound and the next.</summary>
    public static readonly double Ratio = Math.Pow(LastEdgeMs / FirstEdgeMs, 1.0 / (Buckets - 2));

    /// <summary>The resolution as a sentence (API description and the Usage page say the same).</summary>
    public const string Resolution = "Time-to-first-token percentiles are the upper bound of a log-scale bucket (64 buckets from 10 ms to 10 min): at most 19.5% above the exact value, never below it.";

    private static readonly double[] Edges = [.. Enumerable.Range(0, Buckets - 1).Select(i => Math.Round(FirstEdgeMs * Math.Pow(Ratio, i), 3))];

    /// <summary>The histogram's column names, <c>T00</c> … <c>T63</c> (fixed: safe to put in SQL).</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Enumerable.Range(0, Buckets).Select(i => "T" + i.ToString("00", CultureInfo.InvariantCulture))];

    /// <summary>The bucket of <paramref name="ms"/>; null when the answer never produced a token.</summary>
    public static int? BucketOf(double? ms)
    {
        if (ms is not { } v || double.IsNaN(v))
        {
            return null;
        }

        var index = Array.BinarySearch(Edges, v);
        return index >= 0 ? index : ~index; // the first edge ≥ v; past the last edge → 63
    }

    /// <summary>The upper bound of bucket <paramref name="bucket"/> (the last one reports its lower bound, 10 min).</summary>
    public static double UpperBoundMs(int bucket) => Edges[Math.Min(bucket, Edges.Length - 1)];

    /// <summary>
    /// The nearest-rank <paramref name="percent"/> percentile of the counts, as its bucket's upper bound; null when no
    /// answer in them had a first token.
    /// </summary>
    public static double? Percentile(IReadOnlyList<long> counts, double percent)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100 * total));
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBoundMs(i);
            }
        }

        return UpperBoundMs(counts.Count - 1);
    }

    /// <summary>A SQL <c>CASE</c> giving the bucket of <paramref name="column"/> (-1 when null), for the backfill.</summary>
    public static string SqlBucketOf(string column) =>
        "CASE WHEN " + column + " IS NULL THEN -1 "
        + string.Concat(Edges.Select((edge, i) => $"WHEN {column} <= {edge.ToString("R", CultureInfo.InvariantCulture)} THEN {i} "))
        + $"ELSE {Buckets - 1} END";
}
