using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Ingestion's spans and instruments, on their own meter and activity source (<see cref="Name"/>): pages read by source
/// (text layer, OCR of a scan, a described picture) and how long each took, documents finished by outcome. Counts,
/// codes and durations only: never a file name or a page's text.
/// </summary>
public sealed class KnowledgeIngestionTelemetry : IDisposable
{
    /// <summary>The meter and activity source name (exported by the service defaults' <c>MikuCloud.*</c>).</summary>
    public const string Name = "MikuCloud.Knowledge";

    /// <summary>Tags: where a page's text came from; how a document ended; why it failed.</summary>
    public const string SourceTag = "mikucloud.page.source", OutcomeTag = "mikucloud.outcome", ReasonTag = "mikucloud.reason";

    /// <summary>The spans of ingestion: one per document a worker takes on (its pages as events).</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Meter meter;
    private readonly Counter<long> pages;
    private readonly Histogram<double> pageDuration;
    private readonly Counter<long> documents;

    public KnowledgeIngestionTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(Name);
        pages = meter.CreateCounter<long>("mikucloud.knowledge.pages", "{page}",
            $"Document pages read and saved, by {SourceTag} (text, ocr, picture: the last two read by the vision model).");
        pageDuration = meter.CreateHistogram<double>("mikucloud.knowledge.page.duration", "s",
            $"Time to read one page (the vision model's answer included for ocr and picture), by {SourceTag}.",
            advice: new() { HistogramBucketBoundaries = [.. HistogramBuckets.Duration] });
        documents = meter.CreateCounter<long>("mikucloud.knowledge.documents", "{document}",
            $"Documents finished, by {OutcomeTag} (ready, failed) and, for failures, {ReasonTag} (the error code).");
    }

    /// <summary>A span for one claim of a document: its type and where reading starts, never its name.</summary>
    public static Activity? StartIngest(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var activity = Source.StartActivity("knowledge ingest");
        activity?.SetTag("mikucloud.document.id", document.Id.ToString());
        activity?.SetTag("mikucloud.document.media_type", document.MediaType);
        activity?.SetTag("mikucloud.document.bytes", document.SizeBytes);
        activity?.SetTag("mikucloud.document.attempt", document.Attempts);
        activity?.SetTag("mikucloud.document.resumed_after_page", document.PagesDone);
        return activity;
    }

    /// <summary>A page was saved: read from <paramref name="source"/> in <paramref name="took"/>.</summary>
    public void PageRead(string source, TimeSpan took)
    {
        var tags = new TagList { { SourceTag, source } };
        pages.Add(1, tags);
        pageDuration.Record(took.TotalSeconds, tags);
        Activity.Current?.AddEvent(new ActivityEvent("page", tags: new ActivityTagsCollection { [SourceTag] = source, ["duration_ms"] = took.TotalMilliseconds }));
    }

    /// <summary>A document became ready, or failed with <paramref name="errorCode"/>.</summary>
    public void Finished(string? errorCode)
    {
        var tags = new TagList { { OutcomeTag, errorCode is null ? KnowledgeDocumentStatus.Ready : KnowledgeDocumentStatus.Failed } };
        if (errorCode is not null)
        {
            tags.Add(ReasonTag, errorCode);
        }

        documents.Add(1, tags);
    }

    public void Dispose() => meter.Dispose();
}
