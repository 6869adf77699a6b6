using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>The rerank step is off by default: a search is the fused order, and the model is asked nothing.</summary>
public class KnowledgeRerankOffTests : ApiTest
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b");
    }

    [Fact]
    public async Task Without_rerank_a_search_keeps_the_fused_order_and_asks_the_model_nothing()
    {
        var airships = await RerankCorpus.SeedAsync(api);
        using var client = api.CreateClient();

        var passages = await client.SearchAsync(RerankCorpus.Question, [airships], top: 2, cancellationToken: Ct);

        Assert.Equal(RerankCorpus.Terse, passages[0].Text); // fusion's (wrong) first
        Assert.Empty(api.Ollama.ChatRequests);
    }
}
