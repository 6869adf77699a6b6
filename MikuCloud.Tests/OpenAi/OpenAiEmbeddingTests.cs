using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// <c>/v1/embeddings</c> through the official OpenAI .NET SDK's <c>EmbeddingClient</c> (which asks for base64) and raw
/// HTTP (numbers), over the house embedding model on the fake Ollama; refusals in OpenAI's error shape.
/// </summary>
public class OpenAiEmbeddingTests : OpenAiDoorTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings[HouseModelSwitches.EnabledKey] = "miku-embed";
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        api.Ollama.WithModel("miku-embed", "qwen3-embedding:0.6b", parameters: new Dictionary<string, string> { ["num_ctx"] = "64" });
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [Fact]
    public async Task The_OpenAI_SDKs_EmbeddingClient_gets_the_house_models_vectors_one_per_text_in_order()
    {
        string[] texts = ["如何更换打印机墨盒", "打印机墨盒的更换步骤", "今天的天气很好"];
        var client = Sdk(await KeyAsync()).GetEmbeddingClient("miku-embed");

        var result = (await client.GenerateEmbeddingsAsync(texts, cancellationToken: Ct)).Value;
        using var http = new HttpClient { BaseAddress = api.Ollama.Endpoint };
        var ollama = new OllamaModelClient(http);
        var direct = (await ollama.EmbedAsync("miku-embed", texts, cancellationToken: Ct)).Embeddings;

        Assert.Equal([0, 1, 2], result.Select(e => e.Index));
        var vectors = result.Select(e => e.ToFloats().ToArray()).ToList();
        Assert.All(vectors, v => Assert.Equal(FakeOllama.EmbeddingDimensions, v.Length));
        Assert.Equal(direct, vectors); // the model's own vectors, bit for bit through base64
        Assert.True(Cosine(vectors[0], vectors[1]) > Cosine(vectors[0], vectors[2]), "a paraphrase is nearer than an unrelated text");
        Assert.True(result.Usage.InputTokenCount > 0);
        Assert.Equal(result.Usage.InputTokenCount, result.Usage.TotalTokenCount);
        var sent = api.Ollama.Requests.First(r => r.Path == "/api/embed").Body!;
        Assert.Equal(("miku-embed", false), (sent["model"]!.GetValue<string>(), sent["truncate"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Numbers_and_shorter_dimensions_come_back_in_OpenAIs_list_shape()
    {
        using var client = WithApiKey(await KeyAsync());

        using var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = "miku-embed", input = "Why is the sky blue?", encoding_format = "float", dimensions = 256 }, Ct);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("list", "miku-embed"), (body["object"]!.GetValue<string>(), body["model"]!.GetValue<string>()));
        var item = Assert.Single(body["data"]!.AsArray())!;
        Assert.Equal(("embedding", 0), (item["object"]!.GetValue<string>(), item["index"]!.GetValue<int>()));
        var vector = item["embedding"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
        Assert.Equal(256, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(Cosine(vector, vector)), 4);
        Assert.Equal(5, body["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("miku-vl", "x", 400, "invalid_model", "model")]
    [InlineData("gpt-4o", "x", 404, "model_not_found", "model")]
    [InlineData("miku-embed", "[1, 2, 3]", 400, "invalid_request", "input")]
    [InlineData("miku-embed", "[\"\"]", 400, "invalid_request", "input")]
    public async Task A_wrong_model_or_input_is_refused_in_OpenAIs_shape_without_calling_the_model(string model, string input, int status, string code, string param)
    {
        using var client = WithApiKey(await KeyAsync());
        var json = input.StartsWith('[') ? input : JsonValue.Create(input)!.ToJsonString();

        using var response = await client.PostAsync("/v1/embeddings",
            new StringContent($$"""{"model": "{{model}}", "input": {{json}}}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!;

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal((code, param), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.DoesNotContain(api.Ollama.Paths, p => p == "/api/embed");
    }

    [Fact]
    public async Task A_text_longer_than_the_models_context_is_refused_not_cut()
    {
        var client = Sdk(await KeyAsync()).GetEmbeddingClient("miku-embed");
        var tooLong = string.Join(' ', Enumerable.Repeat("word", 100)); // the fake's miku-embed reads 64 tokens

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GenerateEmbeddingAsync(tooLong, cancellationToken: Ct));

        Assert.Equal(400, error.Status);
        Assert.Equal(ProblemCodes.ContextOverflow, JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!["error"]!["code"]!.GetValue<string>());
    }
}
