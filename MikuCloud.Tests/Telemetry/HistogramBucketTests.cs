using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using MikuCloud.Api.Chat;
using System.Diagnostics.Metrics;

namespace MikuCloud.Tests.Telemetry;

/// <summary>
/// The dashboards read percentiles from histogram buckets: the Aspire dashboard shows the upper bound of the bucket the
/// percentile falls in, Grafana's <c>histogram_quantile</c> interpolates inside it. Either way a bucket's width is the
/// error an operator reads, so the buckets must be narrow where real values fall.
/// </summary>
public sealed class HistogramBucketTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private ChatTelemetry Telemetry => field ??= new ChatTelemetry(services.GetRequiredService<IMeterFactory>());

    public void Dispose()
    {
        Telemetry.Dispose();
        services.Dispose();
    }

    [Fact]
    public void Output_throughput_of_48_to_49_tokens_per_second_reads_about_49_not_60()
    {
        var buckets = Boundaries(Telemetry.OutputRate);
        double[] measured = [48.2, 48.5, 48.7, 48.9, 49.0];

        foreach (var p in new[] { 0.5, 0.9, 0.99 })
        {
            Assert.InRange(UpperBoundReading(buckets, measured, p), 48, 49 * 1.05);
            Assert.InRange(Interpolated(buckets, measured, p), 44, 49 * 1.05);
        }
    }

    [Fact]
    public void A_time_to_first_token_of_about_650_ms_reads_about_650_ms_not_a_second()
    {
        var buckets = Boundaries(Telemetry.TimeToFirstToken);
        double[] measured = [0.62, 0.64, 0.65, 0.66, 0.68];

        foreach (var p in new[] { 0.5, 0.9, 0.95, 0.99 })
        {
            Assert.InRange(UpperBoundReading(buckets, measured, p), 0.62, 0.68 * 1.1);
        }
    }

    [Theory]
    [InlineData("mikucloud.chat.output_throughput", 1, 300, 1)]
    [InlineData("mikucloud.chat.prefill_throughput", 10, 16_000, 10)]
    [InlineData("mikucloud.chat.time_to_first_token", 0.05, 10, 0.01)]
    public void Any_value_in_the_working_range_reads_at_most_ten_percent_high(string instrument, double from, double to, double resolution)
    {
        var histogram = instrument switch
        {
            "mikucloud.chat.output_throughput" => Telemetry.OutputRate,
            "mikucloud.chat.prefill_throughput" => Telemetry.PrefillRate,
            _ => Telemetry.TimeToFirstToken,
        };
        var buckets = Boundaries(histogram);

        for (var v = from; v <= to; v *= 1.013)
        {
            var reading = buckets.First(b => b >= v);
            Assert.True(reading <= Math.Max(v * 1.1, v + resolution) + 1e-9, $"{instrument}: {v:0.###} reads {reading}");
        }
    }

    private static IReadOnlyList<double> Boundaries(Histogram<double> histogram) =>
        histogram.Advice?.HistogramBucketBoundaries ?? throw new InvalidOperationException($"{histogram.Name} has no bucket advice: the SDK's defaults (0, 5, 10, 25, 50, 75, 100…) would apply.");

    /// <summary>What the Aspire dashboard shows: the upper bound of the bucket holding the p-th value.</summary>
    private static double UpperBoundReading(IReadOnlyList<double> buckets, double[] values, double p)
    {
        var rank = (int)Math.Ceiling(p * values.Length);
        var sorted = values.Order().ToArray();
        return buckets.First(b => b >= sorted[rank - 1]);
    }

    /// <summary>Prometheus' <c>histogram_quantile</c>: linear inside the bucket holding rank p × count.</summary>
    private static double Interpolated(IReadOnlyList<double> buckets, double[] values, double p)
    {
        var rank = p * values.Length;
        var lower = 0.0;
        var below = 0;
        foreach (var upper in buckets)
        {
            var inBucket = values.Count(v => v > lower && v <= upper);
            if (below + inBucket >= rank && inBucket > 0)
            {
                return lower + (upper - lower) * (rank - below) / inBucket;
            }

            below += inBucket;
            lower = upper;
        }

        return lower;
    }
}
