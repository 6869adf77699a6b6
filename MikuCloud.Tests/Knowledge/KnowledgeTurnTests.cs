using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Knowledge;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// A conversation's turn with knowledge bases, over real HTTP against the fake Ollama (which records the prompt it got)
/// and a real SQLite index: the passages reach the prompt numbered and fenced as data, the citations stream before the
/// answer and are saved with it, and switching the bases off takes them out again.
/// </summary>
public class KnowledgeTurnTests : ApiTest, IDisposable
{
    private const string Warranty = "本产品保修期为两年，自购买之日起计算，人为损坏不在保修范围内。";
    private const string Shipping = "订单在付款后三个工作日内发货，偏远地区另加两天。";

    private readonly List<Activity> spans = [];
    private readonly ActivityListener listener;

    public KnowledgeTurnTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ChatTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
    }

    private HttpClient client => field ??= api.CreateClient();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b");
    }

    public void Dispose()
    {
        listener.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_knowledge_base_toggled_off_changes_the_prompt()
    {
        var manuals = await api.BaseAsync("产品手册");
        await api.DocumentAsync(manuals, "保修条款.md", [Warranty, Shipping]);
        var id = await NewConversationAsync(manuals);

        await AskAsync(id, "保修期多长？");
        using (var off = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { knowledgeBaseIds = (Guid[]?)null }, Ct))
        {
            off.EnsureSuccessStatusCode();
        }

        await AskAsync(id, "保修期多长？");

        var (withKnowledge, without) = (api.Ollama.ChatRequests.First(), api.Ollama.ChatRequests.Last());
        Assert.Contains(KnowledgePrompt.Instructions, SystemOf(withKnowledge), StringComparison.Ordinal);
        var question = LastUserOf(withKnowledge);
        Assert.StartsWith("<passage id=\"1\" document=\"保修条款.md\" page=\"1\">\n" + Warranty + "\n</passage>", question, StringComparison.Ordinal);
        Assert.EndsWith("\n\n保修期多长？", question, StringComparison.Ordinal);
        Assert.DoesNotContain(KnowledgePrompt.Instructions, SystemOf(without), StringComparison.Ordinal);
        Assert.Equal("保修期多长？", LastUserOf(without));
        // The history the second turn sends holds the first question as asked, not the passages it was given.
        Assert.DoesNotContain(without["messages"]!.AsArray(), m => m!["content"]!.GetValue<string>().Contains("<passage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Citations_stream_before_the_first_delta_and_are_saved_with_the_answer()
    {
        var manuals = await api.BaseAsync("产品手册");
        var document = await api.DocumentAsync(manuals, "保修卡扫描件.pdf", [Shipping, Warranty], scannedPages: [2]);
        var id = await NewConversationAsync(manuals);

        var events = await AskAsync(id, "保修期多长？人为损坏保修吗？");

        Assert.Equal(["user", "citations"], events.Take(2).Select(e => e.Name));
        Assert.Equal("delta", events[2].Name);
        var streamed = events[1].Data!["citations"]!.Deserialize<List<CitationDto>>(ApiJson.Options)!;
        var best = streamed[0];
        Assert.Equal((1, document, manuals, "保修卡扫描件.pdf", 2, Warranty), (best.Number, best.DocumentId, best.BaseId, best.DocumentName, best.Page, best.Snippet));
        Assert.Equal($"/api/knowledge/documents/{document}/pages/2/image", best.PageImageUrl);
        Assert.Equal(Enumerable.Range(1, streamed.Count), streamed.Select(c => c.Number));
        var done = events[^1].Data!.Deserialize<MessageDto>(ApiJson.Options)!;
        var listed = await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{id}/messages", Ct);
        Assert.Equal(streamed, done.Citations);
        Assert.Equal(streamed, listed!.Items[^1].Citations);
        Assert.Null(listed.Items[0].Citations); // the question cites nothing
    }

    [Fact]
    public async Task A_base_that_stops_being_shared_drops_out_of_the_conversation_and_its_prompt()
    {
        var policies = await api.BaseAsync("公司制度", KnowledgeChatSeed.Stranger, shared: true);
        await api.DocumentAsync(policies, "制度.md", [Warranty]);
        var id = await NewConversationAsync(policies);
        await api.WithDbAsync(async db =>
        {
            (await db.KnowledgeBases.FindAsync(policies))!.Shared = false;
            return await db.SaveChangesAsync();
        });

        var events = await AskAsync(id, "保修期多长？");

        Assert.DoesNotContain(events, e => e.Name == "citations");
        Assert.Equal("保修期多长？", LastUserOf(api.Ollama.ChatRequests.Single()));
        Assert.Empty((await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct))!.KnowledgeBaseIds!);
    }

    [Fact]
    public async Task Retrieval_is_one_span_with_its_counts_and_none_of_the_words()
    {
        var manuals = await api.BaseAsync("产品手册");
        await api.DocumentAsync(manuals, "保修条款.md", [Warranty, Shipping]);
        var id = await NewConversationAsync(manuals);

        await AskAsync(id, "保修期多长？");

        Activity retrieve;
        lock (spans)
        {
            retrieve = Assert.Single(spans, s => s.OperationName == "mikucloud.knowledge.retrieve" && s.GetTagItem(TurnKnowledge.BasesTag) is 1
                && s.TraceId == spans.First(p => p.OperationName == "mikucloud.chat.build_prompt" && p.GetTagItem("mikucloud.prompt.passages") is not null).TraceId);
        }

        Assert.Equal(2, retrieve.GetTagItem(TurnKnowledge.PassagesTag));
        Assert.Equal("chat", retrieve.GetTagItem(ChatTelemetry.DoorTag));
        Assert.True(retrieve.Duration > TimeSpan.Zero);
        var everything = string.Join(' ', retrieve.TagObjects.Select(t => $"{t.Key}={t.Value}"));
        Assert.DoesNotContain("保修", everything, StringComparison.Ordinal);
    }

    private async Task<Guid> NewConversationAsync(Guid baseId)
    {
        using var created = await client.PostAsJsonAsync("/api/conversations", new { knowledgeBaseIds = new[] { baseId } }, Ct);
        return (await created.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.Id;
    }

    private async Task<List<SseEvent>> AskAsync(Guid id, string question)
    {
        using var response = await client.SendAsync(id, new { content = question }, Ct);
        var events = await Sse.AllAsync(response, Ct);
        Assert.Equal("done", events[^1].Name);
        return events;
    }

    private static string SystemOf(JsonObject request) => request["messages"]![0]!["role"]!.GetValue<string>() == "system"
        ? request["messages"]![0]!["content"]!.GetValue<string>()
        : "";

    private static string LastUserOf(JsonObject request) => request["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();
}
