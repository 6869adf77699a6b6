using System.Diagnostics.Metrics;
using MikuCloud.Api.Chat;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Batch instruments on the chat meter (<see cref="ChatTelemetry.Name"/>): items finished (items/s is its rate), by
/// outcome and failure reason; item latency; the queue depth (queued items of started batches, read by the worker).
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
    private int depth;

    public BatchTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(ChatTelemetry.Name);
        items = meter.CreateCounter<long>("mikucloud.batch.items", "{item}",
            "Batch items finished, by mikucloud.outcome (completed, failed) and, for failures, mikucloud.reason (the error code).");
        duration = meter.CreateHistogram<double>("mikucloud.batch.item.duration", "s", "Time to answer one batch item, from its claim to its result.",
            advice: new() { HistogramBucketBoundaries = [.. HistogramBuckets.Duration] });
        preemptions = meter.CreateCounter<long>("mikucloud.batch.preemptions", "{item}",
            "Batch items given back to the queue because a chat needed their generation slot.");
        meter.CreateObservableGauge("mikucloud.batch.queue.depth", () => Volatile.Read(ref depth), "{item}", "Queued items of started batches.");
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

    /// <summary>The queue's depth as last counted.</summary>
    public void QueueDepth(int queued) => Volatile.Write(ref depth, queued);

    public void Dispose() => meter.Dispose();
}
