using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using MikuCloud.Tests.Images;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// A document's life after its upload: read and searchable, opened from a citation (page text, a scan's image),
/// failed with a code and tried again, deleted with nothing left behind; hostile files fail alone, never a 5xx.
/// </summary>
public class KnowledgeDocumentTests : AccountsApiTest
{
    private const string ScanText = "扫描件：发票金额 4200 元。";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_deleted_document_leaves_no_pages_passages_vectors_or_search_rows()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = [ScanText] };
        using var alice = As(await SetupAdminAsync());
        var baseId = await alice.CreateBaseAsync("invoices", cancellationToken: Ct);
        var kept = await alice.AddDocumentAsync(baseId, "kept.md", Encoding.UTF8.GetBytes("# Kept\n\nThe zebra protocol stays."), Ct);
        var doomed = await alice.AddDocumentAsync(baseId, "doomed.pdf",
            new TestPdf().TextPage("The quokka clause is confidential.").ScanPage(TestPng.Scan(seed: 7)).Build(), Ct);
        Assert.Equal("ready", (await alice.WaitFinishedAsync(kept, Patience, Ct))["status"]!.GetValue<string>());
        Assert.Equal("ready", (await alice.WaitFinishedAsync(doomed, Patience, Ct))["status"]!.GetValue<string>());
        Assert.NotEmpty(await SearchAsync(baseId, "quokka"));

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/knowledge/documents/{doomed}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/knowledge/documents/{doomed}", Ct)).StatusCode);
        Assert.Empty(await SearchAsync(baseId, "quokka"));
        Assert.Empty(await SearchAsync(baseId, "发票"));
        Assert.NotEmpty(await SearchAsync(baseId, "zebra")); // the other document is untouched
        Assert.Equal((0, 0), await api.WithDbAsync(async db => (await db.KnowledgePages.CountAsync(p => p.DocumentId == doomed, Ct),
            await db.KnowledgeChunks.CountAsync(c => c.DocumentId == doomed, Ct))));
        Assert.Equal(await api.WithDbAsync(db => db.KnowledgeChunks.CountAsync(Ct)), await SearchRowsAsync());

        // Deleting the base takes the rest.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/knowledge/bases/{baseId}", Ct)).StatusCode);
        Assert.Equal((0, 0, 0, 0L), await api.WithDbAsync(async db => (await db.KnowledgeDocuments.CountAsync(Ct), await db.KnowledgePages.CountAsync(Ct),
            await db.KnowledgeChunks.CountAsync(Ct), (long)await SearchRowsAsync())));
    }

    [Fact]
    public async Task A_scanned_page_opens_with_its_text_and_image_and_a_passage_opens_with_its_page()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = [ScanText] };
        using var alice = As(await SetupAdminAsync());
        var baseId = await alice.CreateBaseAsync("scans", cancellationToken: Ct);
        var id = await alice.AddDocumentAsync(baseId, "contract.pdf",
            new TestPdf().TextPage("Contract cover page. Parties: Miku and Luka.").ScanPage(TestPng.Scan(seed: 3)).Build(), Ct);
        var done = await alice.WaitFinishedAsync(id, Patience, Ct);
        Assert.Equal(("ready", 2, 1), (done["status"]!.GetValue<string>(), done["pagesDone"]!.GetValue<int>(), done["pagesByVision"]!.GetValue<int>()));

        var scan = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/documents/{id}/pages/2", Ct);
        Assert.Equal(("ocr", ScanText, 2, "contract.pdf"), (scan!["source"]!.GetValue<string>(), scan["text"]!.GetValue<string>(),
            scan["pageCount"]!.GetValue<int>(), scan["fileName"]!.GetValue<string>()));
        using (var image = await alice.GetAsync(scan["imageUrl"]!.GetValue<string>(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.NotNull(MikuCloud.Api.Images.ImageSniffer.Detect(await image.Content.ReadAsByteArrayAsync(Ct)));
        }

        // The vision model was asked to transcribe, by the knowledge door, with the page's picture.
        var asked = Assert.Single(api.Ollama.ChatRequests);
        var question = asked["messages"]!.AsArray()[^1]!;
        Assert.Contains("Transcribe all text", question["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(question["images"]!.AsArray());

        var cover = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/documents/{id}/pages/1", Ct);
        Assert.Equal(("text", null), (cover!["source"]!.GetValue<string>(), cover["imageUrl"]?.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/knowledge/documents/{id}/pages/1/image", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/knowledge/documents/{id}/pages/3", Ct)).StatusCode);

        var chunkId = (await SearchAsync(baseId, "发票")).First().ChunkId;
        var opened = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/chunks/{chunkId}", Ct);
        Assert.Contains("4200", opened!["passage"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        // The passage opens with the page it starts on (a short cover and the scan make one passage, starting on the cover).
        Assert.Equal(("contract.pdf", opened["passage"]!["page"]!.GetValue<int>()),
            (opened["passage"]!["documentName"]!.GetValue<string>(), opened["page"]!["number"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_picture_is_described_by_the_vision_model_as_one_page()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["A red square.\n\nSALE 50%"] };
        using var alice = As(await SetupAdminAsync());
        var baseId = await alice.CreateBaseAsync("pictures", cancellationToken: Ct);
        using var poster = TestImages.Solid(200, 120, TestImages.Red);
        var id = await alice.AddDocumentAsync(baseId, "poster.png", TestImages.Png(poster), Ct);
        var done = await alice.WaitFinishedAsync(id, Patience, Ct);
        Assert.Equal(("ready", 1, 1), (done["status"]!.GetValue<string>(), done["pageCount"]!.GetValue<int>(), done["pagesByVision"]!.GetValue<int>()));
        var page = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/documents/{id}/pages/1", Ct);
        Assert.Equal(("picture", "A red square.\n\nSALE 50%"), (page!["source"]!.GetValue<string>(), page["text"]!.GetValue<string>()));
        Assert.Contains("Describe this picture", Assert.Single(api.Ollama.ChatRequests)["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_the_model_could_not_read_fails_with_a_code_and_reindex_reads_it_again()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Status = 500, ErrorBody = """{"error":"llama runner process has terminated"}""" };
        using var alice = As(await SetupAdminAsync());
        var baseId = await alice.CreateBaseAsync("scans", cancellationToken: Ct);
        var id = await alice.AddDocumentAsync(baseId, "scan.pdf", new TestPdf().TextPage("Cover.").ScanPage(TestPng.Scan(seed: 5)).Build(), Ct);
        var failed = await alice.WaitFinishedAsync(id, Patience, Ct);
        Assert.Equal(("failed", 1), (failed["status"]!.GetValue<string>(), failed["pagesDone"]!.GetValue<int>()));
        Assert.False(string.IsNullOrEmpty(failed["error"]!["code"]!.GetValue<string>()));
        Assert.Contains(failed["error"]!["code"]!.GetValue<string>(), MikuCloud.Tests.Api.ProblemCodesTests.Known);

        api.Ollama.Chat = _ => new FakeChatReply { Chunks = [ScanText] };
        using (var reindex = await alice.PostAsync($"/api/knowledge/documents/{id}/reindex", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, reindex.StatusCode);
            var queued = await reindex.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Equal(0, queued!["pagesDone"]!.GetValue<int>());
            Assert.Null(queued["error"]);
        }

        var ready = await alice.WaitFinishedAsync(id, Patience, Ct);
        Assert.Equal(("ready", 2, 1), (ready["status"]!.GetValue<string>(), ready["pagesDone"]!.GetValue<int>(), ready["pagesByVision"]!.GetValue<int>()));
        Assert.Equal(2, await api.WithDbAsync(db => db.KnowledgePages.CountAsync(p => p.DocumentId == id, Ct)));
    }

    [Fact]
    public async Task Hostile_files_fail_alone_with_their_codes_and_never_a_5xx()
    {
        using var alice = As(await SetupAdminAsync());
        var baseId = await alice.CreateBaseAsync("hostile", cancellationToken: Ct);
        var added = await alice.UploadAsync(baseId,
        [
            ("truncated.pdf", HostileKnowledgeFiles.TruncatedPdf()),
            ("garbage.pdf", HostileKnowledgeFiles.GarbagePdf()),
            ("bomb.docx", HostileKnowledgeFiles.DocxZipBomb()),
            ("huge-part.docx", HostileKnowledgeFiles.DocxWithHugePart(8 << 20)),
            ("fine.txt", "Nothing hostile here."u8.ToArray()),
            ("million.pdf", HostileKnowledgeFiles.PdfClaimingPages()),
        ], Ct);
        var ids = added["added"]!.AsArray().ToDictionary(d => d!["fileName"]!.GetValue<string>(), d => d!["id"]!.GetValue<Guid>());
        foreach (var refused in added["refused"]!.AsArray())
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"refused at upload: {refused!.ToJsonString()}");
        }

        foreach (var (name, id) in ids)
        {
            var done = await alice.WaitFinishedAsync(id, Patience, Ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {done["status"]} {done["error"]?.ToJsonString()}");
            if (name is "fine.txt" or "million.pdf")
            {
                // A page tree claiming a million pages costs nothing: the one page it has is read.
                Assert.Equal(("ready", 1), (done["status"]!.GetValue<string>(), done["pageCount"]!.GetValue<int>()));
                continue;
            }

            Assert.Equal("failed", done["status"]!.GetValue<string>());
            Assert.StartsWith("knowledge_file_", done["error"]!["code"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(api.Logs, line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<IReadOnlyList<RetrievedPassage>> SearchAsync(Guid baseId, string query)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var owner = await api.WithDbAsync(db => db.KnowledgeBases.Where(b => b.Id == baseId).Select(b => b.OwnerId).SingleAsync(Ct));
        return await scope.ServiceProvider.GetRequiredService<KnowledgeRetriever>().SearchAsync(owner, [baseId], query, 5, Ct);
    }

    /// <summary>Rows of the full-text index: SQLite's FTS5 table (PostgreSQL's is a column of the chunks themselves).</summary>
    private Task<int> SearchRowsAsync() => api.WithDbAsync(db => OnPostgres
        ? db.KnowledgeChunks.CountAsync(Ct)
        : db.Database.SqlQueryRaw<int>("""SELECT count(*) AS "Value" FROM "KnowledgeChunkSearch" """).SingleAsync(Ct));
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresKnowledgeDocumentTests : KnowledgeDocumentTests
{
    protected override bool OnPostgres => true;
}
