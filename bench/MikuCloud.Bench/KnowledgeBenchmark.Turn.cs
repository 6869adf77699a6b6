using System.Diagnostics;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Data;
using MikuCloud.Api.Images;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// The knowledge item's turn and ingestion figures: what retrieval adds to building a turn's prompt, a base's reload
/// after a write, and reading + chunking + indexing per page (the fake's embeddings: the model's own time left out).
/// </summary>
public sealed partial class KnowledgeBenchmark
{
    private const int IngestPages = 40;

    /// <summary>The turn's knowledge step (<see cref="TurnKnowledge"/> and the passage blocks) as the engine runs it: what it adds to a prompt build.</summary>
    private static async Task<Summary> PromptBuildAsync(Func<ChatDbContext> open, KnowledgeEmbedder embedder, KnowledgeVectorIndex vectors, Guid baseId,
        int samples, Random random, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            await using var db = open();
            var knowledge = new TurnKnowledge(new KnowledgeRetriever(db, embedder, vectors), Options.Create(new KnowledgeChatOptions()));
            var t = Stopwatch.GetTimestamp();
            var found = await knowledge.RetrieveAsync(KnowledgeBenchSeed.Owner, [baseId], KnowledgeBenchSeed.Query(random), "bench", cancellationToken);
            var blocks = found.Found.Select((p, n) => KnowledgePrompt.Block(n + 1, p)).Sum(b => b.Length);
            times.Add(Clock.MsSince(t));
            if (blocks == 0)
            {
                throw new InvalidOperationException("the turn found no passages");
            }
        }

        return Summary.Of(times);
    }

    /// <summary>A search that reads the base's vectors whole, as a replica's first search does (a fresh index each time), median of three.</summary>
    private static async Task<double> ReloadAsync(Func<ChatDbContext> open, KnowledgeEmbedder embedder, Guid baseId, Random random, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = open();
            var t = Stopwatch.GetTimestamp();
            await new KnowledgeRetriever(db, embedder, new KnowledgeVectorIndex()).SearchAsync(KnowledgeBenchSeed.Owner, [baseId], KnowledgeBenchSeed.Query(random), 5,
                cancellationToken);
            times.Add(Clock.MsSince(t));
        }

        return times.Order().ElementAt(1);
    }

    /// <summary>
    /// A search right after a 200-chunk document was indexed into the base (as ingestion writes one), median of three:
    /// what a write costs the next search of every replica.
    /// </summary>
    private static async Task<double> AfterWriteAsync(Func<ChatDbContext> open, KnowledgeEmbedder embedder, KnowledgeVectorIndex vectors, Guid baseId, Random random,
        CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using (var db = open())
            {
                var document = new KnowledgeDocument
                {
                    Id = Guid.NewGuid(), BaseId = baseId, OwnerId = KnowledgeBenchSeed.Owner, FileName = $"written-{i}.txt", MediaType = "text/plain",
                    Sha256 = Guid.NewGuid().ToString("N"), Status = KnowledgeDocumentStatus.Ready, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                };
                db.KnowledgeDocuments.Add(document);
                await db.SaveChangesAsync(cancellationToken);
                await new KnowledgeIndexWriter(embedder).WriteAsync(db, document, KnowledgeBenchSeed.Chunks(random, 200), cancellationToken);
            }

            await using var search = open();
            var t = Stopwatch.GetTimestamp();
            await new KnowledgeRetriever(search, embedder, vectors).SearchAsync(KnowledgeBenchSeed.Owner, [baseId], KnowledgeBenchSeed.Query(random), 5, cancellationToken);
            times.Add(Clock.MsSince(t));
        }

        return times.Order().ElementAt(1);
    }

    /// <summary>
    /// Pages per second for a text PDF of <see cref="IngestPages"/> dense pages: open and read each page (PdfPig), chunk
    /// (<see cref="KnowledgeChunker"/>) and index (<see cref="KnowledgeIndexWriter"/>: embedding by the fake, quantising,
    /// segmenting, saving): the work the ingestion worker drives per page.
    /// </summary>
    private static async Task<(double ReadPagesPerSecond, double IndexPagesPerSecond, double PagesPerSecond)> IngestAsync(Func<ChatDbContext> open,
        KnowledgeEmbedder embedder, Guid baseId, CancellationToken cancellationToken)
    {
        var random = new Random(11);
        var pdf = new TestPdf();
        for (var n = 0; n < IngestPages; n++)
        {
            pdf.TextPage(string.Join('\n', Enumerable.Range(0, 45).Select(_ => PageLine(random))));
        }

        var bytes = pdf.Build();
        var reading = Options.Create(new KnowledgeReadingOptions());
        var readers = new DocumentReaders(new ImagePipeline(new ImagePipelineOptions()), reading);
        var t = Stopwatch.GetTimestamp();
        IReadOnlyList<DocumentChunk> chunks;
        using (var pages = readers.Open(bytes, KnowledgeFileTypes.Pdf))
        {
            chunks = new KnowledgeChunker(reading).Chunk([.. Enumerable.Range(1, pages.PageCount).Select(pages.Read)]);
        }

        var readMs = Clock.MsSince(t);
        await using var db = open();
        var document = new KnowledgeDocument
        {
            Id = Guid.NewGuid(), BaseId = baseId, OwnerId = KnowledgeBenchSeed.Owner, FileName = "ingest.pdf", MediaType = KnowledgeFileTypes.Pdf,
            Sha256 = Guid.NewGuid().ToString("N"), Status = KnowledgeDocumentStatus.Ready, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.KnowledgeDocuments.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        t = Stopwatch.GetTimestamp();
        await new KnowledgeIndexWriter(embedder).WriteAsync(db, document, chunks, cancellationToken);
        var indexMs = Clock.MsSince(t);
        return (IngestPages / (readMs / 1000), IngestPages / (indexMs / 1000), IngestPages / ((readMs + indexMs) / 1000));
    }

    // A line of a dense report page: ~80 characters of words, as a text layer holds them.
    private static string PageLine(Random random) =>
        string.Join(' ', Enumerable.Range(0, 12).Select(_ => "word" + random.Next(0, 3_000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
