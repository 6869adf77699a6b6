using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MikuCloud.Web.Api;
using MikuCloud.Web.Knowledge;

namespace MikuCloud.Tests.Web.Knowledge;

/// <summary>The Web's side of the knowledge wire: the chat stream's citations, the bases a chat sends, the document events and uploads.</summary>
public sealed class KnowledgeWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_chat_sends_its_bases_and_reads_the_citations_before_the_answer()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var citation = $$"""{"number":1,"chunkId":42,"documentId":"{{a}}","baseId":"{{b}}","documentName":"手册.pdf","page":7,"heading":null,"snippet":"保修两年","pageImageUrl":null}""";
        var handler = new StubHandler(_ => Sse(("citations", $"[{citation}]"), ("delta", """{"text":"两年 [1]"}""")));
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        var events = new List<ChatEvent>();
        await foreach (var e in client.StartConversationAsync(new OutgoingMessage("保修？", [], null, null, KnowledgeBaseIds: [a, b]), null, cancellationToken: Ct))
        {
            events.Add(e);
        }

        var given = Assert.IsType<CitationsGiven>(events[0]);
        Assert.Equal(("手册.pdf", 7, 42L), (given.Citations.Single().DocumentName, given.Citations.Single().Page, given.Citations.Single().ChunkId));
        Assert.IsType<AnswerDelta>(events[1]);
        var body = handler.Bodies.Single();
        Assert.Contains($"name=knowledgeBaseIds\r\n\r\n{a}", body, StringComparison.Ordinal);
        Assert.Contains($"name=knowledgeBaseIds\r\n\r\n{b}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_knowledge_off_patches_an_empty_list_and_nothing_else()
    {
        var handler = new StubHandler(_ => Json($$"""{"id":"{{Guid.NewGuid()}}","title":"t","presetId":"balanced","createdAt":"2026-12-06T10:00:00Z","updatedAt":"2026-12-06T10:00:00Z","knowledgeBaseIds":[]}"""));
        var client = new MikuApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        var updated = await client.UpdateConversationAsync(Guid.NewGuid(), new UpdateConversationRequest(KnowledgeBaseIds: []), Ct);

        var body = JsonNode.Parse(handler.Bodies.Single())!.AsObject();
        Assert.Equal(["knowledgeBaseIds"], body.Select(p => p.Key));
        Assert.Empty(body["knowledgeBaseIds"]!.AsArray());
        Assert.Empty(updated.KnowledgeBaseIds!);
    }

    [Fact]
    public async Task Document_events_are_read_from_the_stream_and_other_events_ignored()
    {
        var id = Guid.NewGuid();
        var baseId = Guid.NewGuid();
        var document = $$"""{"id":"{{id}}","baseId":"{{baseId}}","fileName":"年报.pdf","mediaType":"application/pdf","sizeBytes":1,"status":"reading","pageCount":200,"pagesDone":12,"pagesByVision":2,"chunks":0,"error":null,"attempts":1,"createdAt":"2026-12-06T10:00:00Z","completedAt":null}""";
        var handler = new StubHandler(_ => Sse(("document", $$"""{"document":{{document}}}"""), ("something-new", "{}")));
        var client = new MikuKnowledgeClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });

        var seen = new List<KnowledgeDocumentDto>();
        await foreach (var d in client.FollowAsync(baseId, Ct))
        {
            seen.Add(d);
        }

        var only = Assert.Single(seen);
        Assert.Equal((id, KnowledgeDocumentStatus.Reading, 12, 2), (only.Id, only.Status, only.PagesDone, only.PagesByVision));
        Assert.Equal($"/api/knowledge/bases/{baseId}/events", handler.Requests.Single().RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task An_upload_is_one_files_part_per_request_and_a_refusal_comes_back_with_its_code()
    {
        var handler = new StubHandler(_ => Json($$"""{"added":[],"refused":[{"fileName":"a.exe","code":"{{ProblemCodes.KnowledgeUnsupportedType}}","message":"not a document"}]}""",
            HttpStatusCode.Created));
        var client = new MikuKnowledgeClient(new HttpClient(handler) { BaseAddress = new Uri("http://api") });
        var baseId = Guid.NewGuid();

        var answer = await client.AddDocumentAsync(baseId, "a.exe", new MemoryStream(Encoding.ASCII.GetBytes("MZ-binary")), Ct);

        Assert.Equal(ProblemCodes.KnowledgeUnsupportedType, answer.Refused.Single().Code);
        Assert.Contains("name=files; filename=a.exe", handler.Bodies.Single(), StringComparison.Ordinal);
        Assert.Contains("MZ-binary", handler.Bodies.Single(), StringComparison.Ordinal);
        Assert.Equal($"/api/knowledge/bases/{baseId}/documents", handler.Requests.Single().RequestUri!.AbsolutePath);
    }

    private static HttpResponseMessage Sse(params (string Name, string Data)[] events) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(string.Concat(events.Select(e => $"event: {e.Name}\ndata: {e.Data}\n\n")), Encoding.UTF8, "text/event-stream"),
    };

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return respond(request);
        }
    }
}
