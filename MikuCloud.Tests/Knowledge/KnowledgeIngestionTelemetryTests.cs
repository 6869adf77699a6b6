using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Ingestion is measured (pages by source, documents by outcome, a span per document) without a file name or a word of its text.</summary>
public class KnowledgeIngestionTelemetryTests : ApiTest
{
    [Fact]
    public async Task Ingestion_counts_pages_by_source_and_its_span_carries_no_file_name_or_text()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == KnowledgeIngestionTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["Confidential scan about the platypus merger."] };
        using var client = api.CreateClient();
        using var pages = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), KnowledgeIngestionTelemetry.Name, "mikucloud.knowledge.pages");
        using var documents = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), KnowledgeIngestionTelemetry.Name, "mikucloud.knowledge.documents");

        var baseId = await client.CreateBaseAsync("secret", cancellationToken: Ct);
        var pdf = new TestPdf().TextPage("The wombat acquisition closes Friday.").ScanPage(TestPng.Scan(seed: 2)).TextPage("Signed by the wombat board.").Build();
        var id = await client.AddDocumentAsync(baseId, "wombat-deal.pdf", pdf, Ct);
        Assert.Equal("ready", (await client.WaitFinishedAsync(id, TimeSpan.FromSeconds(60), Ct))["status"]!.GetValue<string>());

        var bySource = pages.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags[KnowledgeIngestionTelemetry.SourceTag]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(new Dictionary<string, long> { ["text"] = 2, ["ocr"] = 1 }, bySource);
        Assert.Equal("ready", Assert.Single(documents.GetMeasurementSnapshot()).Tags[KnowledgeIngestionTelemetry.OutcomeTag]);

        var span = Assert.Single(spans, s => Equals(s.GetTagItem("mikucloud.document.id"), id.ToString()));
        Assert.Equal(3, span.Events.Count(e => e.Name == "page"));
        var recorded = string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}")
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}"))));
        foreach (var secret in new[] { "wombat", "platypus", "deal" })
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.OrdinalIgnoreCase);
        }
    }
}
