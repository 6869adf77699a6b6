using System.Diagnostics.Metrics;
using MikuCloud.Api.Chat;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Batch instruments on the chat meter (<see cref="ChatTelemetry.Name"/>): items finished (items/s is its rate), by
/// outcome and failure reason; item latency; the queue depth (queued items of started batches, counted in the
/// database when the meter is collected, at most once a second: the worker's claims never pay for it).
/// Names are the contract with deploy/'s Grafana dashboard.
/// </summary>
public sealed class BatchTelemetry : IDisposable
{
    /// <summary>Every instrument name, for the dashboard check.</summary>
    public static readonly IReadOnlyList<string> InstrumentNames =
        ["mikucloud.batch.items", "mikucloud.batch.item.duration", "mikucloud.batch.queue.depth", "mikucloud.batch.preemptions"];

    private readonly Meter meter;
    private readonly Counter<long> items;
    private readonly Histogram<double> duration;
    private readonly Counter<long> preemptions;
    private readonly IServiceScopeFactory? scopes;
    private readonly TimeProvider time;
    private readonly Lock depthGate = new();
    private (int Count, DateTimeOffset At)? depth;

    /// <param name="meters">Where the meter comes from.</param>
    /// <param name="scopes">For the queue-depth count; without it (a meter only described, as in the dashboard check) the gauge reports nothing.</param>
    /// <param name="time">The clock the depth count's age is read on.</param>
    public BatchTelemetry(IMeterFactory meters, IServiceScopeFactory? scopes = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (this.scopes, this.time) = (scopes, time ?? TimeProvider.System);
        meter = meters.Create(ChatTelemetry.Name);
        items = meter.CreateCounter<long>("mikucloud.batch.items", "{item}",
            "Batch items finished, by mikucloud.outcome (completed, failed) and, for failures, mikucloud.reason (the error code).");
        duration = meter.CreateHistogram<double>("mikucloud.batch.item.duration", "s", "Time to answer one batch item, from its claim to its result.",
            advice: new() { HistogramBucketBoundaries = [.. HistogramBuckets.Duration] });
        preemptions = meter.CreateCounter<long>("mikucloud.batch.preemptions", "{item}",
            "Batch items given back to the queue because a chat needed their generation slot.");
        meter.CreateObservableGauge("mikucloud.batch.queue.depth", ObserveDepth, "{item}", "Queued items of started batches.");
    }

    /// <summary>An item finished with <paramref name="outcome"/> (a failure with its code) after <paramref name="took"/>.</summary>
    public void Finished(BatchItemOutcome outcome, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var tags = new System.Diagnostics.TagList { { ChatTelemetry.OutcomeTag, outcome.Status } };
        if (outcome.ErrorCode is { } code)
        {
            tags.Add(ChatTelemetry.ReasonTag, code);
        }

        items.Add(1, tags);
        duration.Record(took.TotalSeconds, tags);
    }

    /// <summary>A chat took an item's slot.</summary>
    public void Preempted() => preemptions.Add(1);

    /// <summary>The gauge's callback (synchronous, on the collector's thread): the count, reused for a second; none when the database failed.</summary>
    private IEnumerable<Measurement<int>> ObserveDepth()
    {
        if (scopes is null)
        {
            return [];
        }

        lock (depthGate)
        {
            var now = time.GetUtcNow();
            if (depth is not { } last || now - last.At >= TimeSpan.FromSeconds(1))
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    depth = (scope.ServiceProvider.GetRequiredService<BatchQueue>().Depth(), now);
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
                {
                    return []; // no reading this time rather than a wrong one
                }
            }

            return [new Measurement<int>(depth.Value.Count)];
        }
    }

    public void Dispose() => meter.Dispose();
}
