using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MikuCloud.Api.Chat;
using OpenTelemetry;
using OpenTelemetry.Metrics;

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

    [Fact]
    public async Task The_GenAI_time_to_first_chunk_exported_by_the_service_defaults_reads_about_650_ms_not_1_28_s()
    {
        // The SDK's own exporter pipeline, as ServiceDefaults configures it in the API.
        var readings = new List<double>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        builder.AddServiceDefaults();
        var point = Guid.NewGuid().ToString(); // the meter name is process-wide: other tests' chat clients record on it too
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddReader(new BaseExportingMetricReader(new UpperBoundReadings(point, readings))));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        // What UseOpenTelemetry's chat client creates: the GenAI meter and instrument, with its doubling bucket advice.
        using var meter = new Meter("Experimental.Microsoft.Extensions.AI");
        var firstChunk = meter.CreateHistogram<double>("gen_ai.client.operation.time_to_first_chunk", "s", null, null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

        foreach (var seconds in new[] { 0.62, 0.64, 0.65, 0.66, 0.68 })
        {
            firstChunk.Record(seconds, new KeyValuePair<string, object?>("server.address", point));
        }

        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        await host.StopAsync(TestContext.Current.CancellationToken);

        var p99 = Assert.Single(readings);
        Assert.InRange(p99, 0.68, 0.68 * 1.1);
    }

    private static IReadOnlyList<double> Boundaries(Histogram<double> histogram) =>
        histogram.Advice?.HistogramBucketBoundaries ?? throw new InvalidOperationException($"{histogram.Name} has no bucket advice: the SDK's defaults (0, 5, 10, 25, 50, 75, 100…) would apply.");

    /// <summary>An exporter that keeps, for the point tagged <c>server.address</c> = its id, the P99 as the Aspire dashboard reads it.</summary>
    private sealed class UpperBoundReadings(string point, List<double> readings) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var p in metric.GetMetricPoints())
                {
                    var ours = false;
                    foreach (var tag in p.Tags)
                    {
                        ours |= tag.Key == "server.address" && Equals(tag.Value, point);
                    }

                    if (!ours || metric.MetricType != MetricType.Histogram)
                    {
                        continue;
                    }

                    var rank = Math.Ceiling(0.99 * p.GetHistogramCount());
                    long seen = 0;
                    foreach (var bucket in p.GetHistogramBuckets())
                    {
                        seen += bucket.BucketCount;
                        if (seen >= rank)
                        {
                            readings.Add(bucket.ExplicitBound);
                            break;
                        }
                    }
                }
            }

            return ExportResult.Success;
        }
    }

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
