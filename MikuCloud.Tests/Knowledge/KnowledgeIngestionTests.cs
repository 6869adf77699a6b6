using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Ingestion in the background: a 200-page PDF with scanned pages (read by the vision model: the fake's answer) shows
/// its progress, survives its API stopping mid-way (the next one resumes after the last saved page, reading no page
/// twice), and a deleted document leaves nothing behind. On SQLite here, on PostgreSQL in the subclass.
/// </summary>
public class KnowledgeIngestionTests(ITestOutputHelper output)
{
    /// <summary>What the fake vision model reads off every scan.</summary>
    private const string ScanText = "Scanned invoice: total 4,200 yuan, paid on 3 March.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual TestDatabase NewDatabase() => new SqliteTestDatabase();

    [Fact]
    public async Task A_200_page_pdf_with_scans_resumes_after_its_api_stops_and_no_page_is_read_twice()
    {
        await using var database = NewDatabase();
        await database.CreateAsync();
        var pdf = TestPdf.Report(200, n => n % 10 == 0).Build(); // 20 scans: pages 10, 20, … 200
        var scanReached = new SemaphoreSlim(0);
        var never = new TaskCompletionSource();

        Guid id;
        int savedOnFirst, visionOnFirst;
        await using (var first = await StartAsync(database))
        {
            // The eighth scan (page 80) never finishes on the first API: it stops while the model reads it.
            var asked = 0;
            first.Ollama.Chat = _ =>
            {
                var n = Interlocked.Increment(ref asked);
                scanReached.Release();
                return n == 8 ? new FakeChatReply { Chunks = ["Scanned"], FinishWhen = never.Task } : new FakeChatReply { Chunks = [ScanText] };
            };
            using var client = first.CreateClient();
            var baseId = await client.CreateBaseAsync("reports", cancellationToken: Ct);
            id = await client.AddDocumentAsync(baseId, "report.pdf", pdf, Ct);
            for (var i = 0; i < 8; i++)
            {
                Assert.True(await scanReached.WaitAsync(TimeSpan.FromSeconds(60), Ct), $"scan {i + 1} was never asked for");
            }

            var mid = await client.DocumentAsync(id, Ct);
            (savedOnFirst, visionOnFirst) = (mid["pagesDone"]!.GetValue<int>(), first.Ollama.ChatRequests.Count());
            Assert.Equal(("reading", 200, 79, 7), (mid["status"]!.GetValue<string>(), mid["pageCount"]!.GetValue<int>(), savedOnFirst,
                mid["pagesByVision"]!.GetValue<int>()));
        }

        await using var second = await StartAsync(database);
        second.Ollama.Chat = _ => new FakeChatReply { Chunks = [ScanText] };
        using (var client = second.CreateClient())
        {
            var document = await client.DocumentAsync(id, Ct);
            var events = await client.FollowAsync(document["baseId"]!.GetValue<Guid>(), d => d["status"]!.GetValue<string>() is "ready" or "failed",
                TimeSpan.FromMinutes(3), Ct);
            var progress = events.Select(e => e["pagesDone"]!.GetValue<int>()).ToList();
            output.WriteLine($"first API saved {savedOnFirst} pages; the second sent {events.Count} events: {string.Join(",", progress.Distinct())}");
            Assert.True(progress.Distinct().Count() >= 5, "progress shows in the events as pages are read");
            Assert.Equal(progress.Order(), progress); // never backwards
            Assert.True(progress[0] >= savedOnFirst, "the second API starts where the first stopped");
            var done = events[^1];
            // One attempt: the first API gave its claim back when it stopped, which is not counted against the document.
            Assert.Equal(("ready", 200, 200, 20, 1), (done["status"]!.GetValue<string>(), done["pageCount"]!.GetValue<int>(), done["pagesDone"]!.GetValue<int>(),
                done["pagesByVision"]!.GetValue<int>(), done["attempts"]!.GetValue<int>()));
        }

        // No page read twice: the second API asked the model for scans 8–20 only (13); the one scan asked on both is the
        // one the first API was stopped in the middle of. Pages are saved once each (one row per number, in order).
        Assert.Equal(13, second.Ollama.ChatRequests.Count());
        Assert.Equal(8, visionOnFirst);
        var pages = await second.WithDbAsync(db => db.KnowledgePages.Where(p => p.DocumentId == id).OrderBy(p => p.Number)
            .Select(p => new { p.Number, p.Source, p.Text }).ToListAsync(Ct));
        Assert.Equal(Enumerable.Range(1, 200), pages.Select(p => p.Number));
        Assert.All(pages.Where(p => p.Number % 10 == 0), p => Assert.Equal((KnowledgePageSource.Ocr, ScanText), (p.Source, p.Text)));
        Assert.All(pages.Where(p => p.Number % 10 != 0), p => Assert.Contains($"item code K{p.Number:D4}", p.Text, StringComparison.Ordinal));
        Assert.True(await second.WithDbAsync(db => db.KnowledgeChunks.CountAsync(c => c.DocumentId == id, Ct)) > 0);
    }

    private static async Task<ApiFactory> StartAsync(TestDatabase database)
    {
        var api = new ApiFactory();
        database.Configure(api);
        // A short lease: should the first API die before giving its claim back, the second takes it over in seconds.
        api.Settings["Knowledge:ClaimLease"] = "00:00:10";
        api.Settings["Knowledge:PollInterval"] = "00:00:00.2";
        await api.InitializeAsync();
        return api;
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresKnowledgeIngestionTests(ITestOutputHelper output) : KnowledgeIngestionTests(output)
{
    protected override TestDatabase NewDatabase()
    {
        PostgresTestDatabase.SkipIfUnavailable();
        return new PostgresTestDatabase();
    }
}
