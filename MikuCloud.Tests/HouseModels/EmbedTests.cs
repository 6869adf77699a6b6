using System.Net;
using System.Text.Json.Nodes;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.HouseModels;

/// <summary>
/// <c>POST /api/embed</c> against the fake Ollama: Ollama's request and answer shapes and errors, and vectors that
/// rank texts sharing words (Chinese or English) above unrelated ones, so retrieval built on them can be tested.
/// </summary>
public class EmbedTests
{
    private static async Task<(FakeOllama Fake, OllamaModelClient Client)> StartAsync()
    {
        var fake = await FakeOllama.StartAsync();
        fake.WithModel("qwen3-embedding:0.6b").WithModel("miku-embed", "qwen3-embedding:0.6b", parameters: new Dictionary<string, string> { ["num_ctx"] = "8" })
            .WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        return (fake, new OllamaModelClient(new HttpClient { BaseAddress = fake.Endpoint }));
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    [Fact]
    public async Task The_answer_has_ollamas_shape_with_one_unit_vector_per_input_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var (fake, client) = await StartAsync();
        await using var _ = fake;
        using var http = new HttpClient { BaseAddress = fake.Endpoint };

        using var raw = await http.PostAsync("api/embed", new StringContent("""{"model":"miku-embed","input":"Why is the sky blue?"}"""), ct);
        var json = JsonNode.Parse(await raw.Content.ReadAsStringAsync(ct))!.AsObject();
        var both = await client.EmbedAsync("miku-embed", ["Why is the sky blue?", "Why is the grass green?"], cancellationToken: ct);

        Assert.Equal(["embeddings", "load_duration", "model", "prompt_eval_count", "total_duration"], json.Select(kv => kv.Key).Order());
        Assert.Equal("miku-embed", json["model"]!.GetValue<string>());
        var vector = Assert.Single(json["embeddings"]!.AsArray())!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
        Assert.Equal(FakeOllama.EmbeddingDimensions, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(Cosine(vector, vector)), 5);
        Assert.Equal(5, json["prompt_eval_count"]!.GetValue<int>());
        Assert.Equal(2, both.Embeddings.Count);
        Assert.Equal(vector, both.Embeddings[0]);
        Assert.Equal(10, both.PromptEvalCount);
    }

    [Fact]
    public async Task Texts_sharing_words_rank_above_unrelated_ones_in_chinese_and_english()
    {
        var ct = TestContext.Current.CancellationToken;
        var (fake, client) = await StartAsync();
        await using var _ = fake;
        string[] texts =
        [
            "如何更换打印机墨盒", "打印机墨盒的更换步骤", "今天的天气很好",
            "How do I replace the printer cartridge?", "Replacing a printer cartridge step by step", "The weather is lovely today",
        ];

        var v = (await client.EmbedAsync("qwen3-embedding:0.6b", texts, cancellationToken: ct)).Embeddings;
        var again = (await client.EmbedAsync("qwen3-embedding:0.6b", [texts[0]], cancellationToken: ct)).Embeddings[0];

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.3, $"zh: related {Cosine(v[0], v[1]):0.00}, unrelated {Cosine(v[0], v[2]):0.00}");
        Assert.True(Cosine(v[3], v[4]) > Cosine(v[3], v[5]) + 0.2, $"en: related {Cosine(v[3], v[4]):0.00}, unrelated {Cosine(v[3], v[5]):0.00}");
        Assert.Equal(v[0], again);
    }

    [Fact]
    public async Task Dimensions_shorten_to_a_unit_vector_and_truncate_false_refuses_an_input_beyond_the_context()
    {
        var ct = TestContext.Current.CancellationToken;
        var (fake, client) = await StartAsync();
        await using var _ = fake;
        const string tenWords = "one two three four five six seven eight nine ten";

        var shortened = (await client.EmbedAsync("miku-embed", ["printer cartridge"], dimensions: 256, cancellationToken: ct)).Embeddings[0];
        var cut = await client.EmbedAsync("miku-embed", [tenWords], cancellationToken: ct);
        var ex = await Assert.ThrowsAsync<OllamaApiException>(() => client.EmbedAsync("miku-embed", [tenWords], truncate: false, cancellationToken: ct));

        Assert.Equal(256, shortened.Length);
        Assert.Equal(1.0, Math.Sqrt(Cosine(shortened, shortened)), 5);
        // num_ctx 8: the ten words are cut to eight (the same vector as the first eight alone).
        Assert.Equal(8, cut.PromptEvalCount);
        Assert.Equal((await client.EmbedAsync("miku-embed", ["one two three four five six seven eight"], cancellationToken: ct)).Embeddings[0], cut.Embeddings[0]);
        Assert.Equal(("the input length exceeds the context length", HttpStatusCode.BadRequest), (ex.Message, ex.StatusCode));
    }

    [Theory]
    [InlineData("""{"model":"miku-vl","input":"hi"}""", HttpStatusCode.NotImplemented, "This server does not support embeddings. Start it with `--embeddings`")]
    [InlineData("""{"model":"nomic","input":"hi"}""", HttpStatusCode.NotFound, "model 'nomic' not found")]
    [InlineData("""{"model":"miku-embed","input":[1,2]}""", HttpStatusCode.BadRequest, "invalid input type")]
    public async Task Refusals_are_ollamas(string body, HttpStatusCode status, string error)
    {
        var ct = TestContext.Current.CancellationToken;
        var (fake, _) = await StartAsync();
        await using var __ = fake;
        using var http = new HttpClient { BaseAddress = fake.Endpoint };

        using var response = await http.PostAsync("api/embed", new StringContent(body), ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!.GetValue<string>());
    }
}
