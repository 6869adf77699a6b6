using System.Diagnostics;
using System.Net.Http.Json;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Knowledge;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// The rerank step switched on (<c>Knowledge:Rerank</c>), over real HTTP against the fake Ollama, which scores a rerank
/// prompt by the question's words each passage holds: it fixes fusion's order, and a failing, unreadable or slow model
/// leaves the fused order and says why on the span.
/// </summary>
public class KnowledgeRerankTests : ApiTest, IDisposable
{
    private readonly List<Activity> spans = [];
    private readonly ActivityListener listener;

    public KnowledgeRerankTests()
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

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Knowledge:Rerank:Enabled"] = "true";
        settings["Knowledge:Rerank:TimeoutSeconds"] = "5";
        settings["Knowledge:Chat:Passages"] = "1";
    }

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
    public async Task Rerank_puts_first_the_passage_that_answers_when_fusion_ranked_a_terse_one_higher()
    {
        var airships = await RerankCorpus.SeedAsync(api);

        var passages = await client.SearchAsync(RerankCorpus.Question, [airships], top: 2, cancellationToken: Ct);

        var asked = Assert.Single(RerankCorpus.RerankRequests(api));
        Assert.Equal(RerankCorpus.Terse, RerankCorpus.PassagesOf(asked)[0]); // fusion put the terse line first
        Assert.Equal(5, RerankCorpus.PassagesOf(asked).Count); // every candidate scored, not just the top 2
        Assert.Equal([RerankCorpus.Answer, RerankCorpus.Terse], passages.Select(p => p.Text));
        Assert.Equal(10, passages[0].Score);
        var span = RerankSpan();
        Assert.Equal(("reranked", "knowledge"), (span.GetTagItem(KnowledgeReranker.OutcomeTag), span.GetTagItem(ChatTelemetry.DoorTag)));
    }

    [Fact]
    public async Task A_conversation_turn_is_given_the_reranked_passages()
    {
        var airships = await RerankCorpus.SeedAsync(api);
        using var created = await client.PostAsJsonAsync("/api/conversations", new { knowledgeBaseIds = new[] { airships } }, Ct);
        var id = (await created.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.Id;

        using var response = await client.SendAsync(id, new { content = RerankCorpus.Question }, Ct);
        Assert.Equal("done", (await Sse.AllAsync(response, Ct))[^1].Name);

        var chat = api.Ollama.ChatRequests.Last();
        var question = chat["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
        Assert.Contains(RerankCorpus.Answer, question, StringComparison.Ordinal); // the one passage the prompt has room for
        Assert.DoesNotContain(RerankCorpus.Terse, question, StringComparison.Ordinal);
        Assert.Single(RerankCorpus.RerankRequests(api));
    }

    public static TheoryData<string> Failures => ["status", "unreadable"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_or_unreadable_model_keeps_the_fused_order_and_the_span_says_why(string failure)
    {
        var airships = await RerankCorpus.SeedAsync(api);
        api.Ollama.Chat = _ => failure == "status"
            ? new FakeChatReply { Status = 500, ErrorBody = "{\"error\":\"model runner crashed\"}" }
            : new FakeChatReply { Chunks = ["Passage 2 looks best."] };

        var passages = await client.SearchAsync(RerankCorpus.Question, [airships], top: 2, cancellationToken: Ct);

        Assert.Equal(RerankCorpus.Terse, passages[0].Text);
        Assert.True(passages[0].Score < 1, "the fused score, not a model's");
        var span = RerankSpan();
        Assert.Equal("fallback", span.GetTagItem(KnowledgeReranker.OutcomeTag));
        var reason = Assert.IsType<string>(span.GetTagItem(KnowledgeReranker.FallbackTag));
        Assert.Equal(failure == "unreadable", reason == "unreadable");
    }

    [Fact]
    public async Task A_model_slower_than_the_time_limit_is_stopped_and_the_fused_order_kept()
    {
        var airships = await RerankCorpus.SeedAsync(api);
        api.Ollama.Chat = _ => new FakeChatReply { FirstChunkDelay = TimeSpan.FromMinutes(2) };
        var clock = Stopwatch.StartNew();

        var passages = await client.SearchAsync(RerankCorpus.Question, [airships], top: 2, cancellationToken: Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"answered after {clock.Elapsed}");
        Assert.Equal(RerankCorpus.Terse, passages[0].Text);
        Assert.Equal("timeout", RerankSpan().GetTagItem(KnowledgeReranker.FallbackTag));
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Ollama was told to stop");
    }

    private Activity RerankSpan()
    {
        lock (spans)
        {
            return spans.Last(s => s.OperationName == KnowledgeReranker.SpanName);
        }
    }
}
