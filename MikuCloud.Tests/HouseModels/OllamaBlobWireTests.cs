using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.HouseModels;

/// <summary>
/// Blobs and adapters on the wire, as Ollama's docs/api.md ("Check if a Blob Exists", "Push a Blob", "Create a Model")
/// and its server answer them; the fake must hold to these so the provisioning tests mean something.
/// </summary>
public class OllamaBlobWireTests
{
    private static readonly byte[] Adapter = [.. "GGUF"u8, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31))];
    private static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Adapter));

    [Fact]
    public async Task A_pushed_blob_is_created_once_and_found_by_HEAD()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.Endpoint };

        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"api/blobs/{Digest}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync($"api/blobs/{Digest}", new ByteArrayContent(Adapter), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"api/blobs/{Digest}", new ByteArrayContent(Adapter), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"api/blobs/{Digest}"), ct)).StatusCode);
        Assert.True(await new OllamaModelClient(http).HasBlobAsync(Digest, ct));
    }

    [Fact]
    public async Task Bytes_that_do_not_hash_to_the_digest_are_refused_with_400_and_not_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.Endpoint };
        var other = "sha256:" + new string('a', 64);

        using var response = await http.PostAsync($"api/blobs/{other}", new ByteArrayContent(Adapter), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"digest mismatch, expected \"{other}\", got \"{Digest}\"", JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!.GetValue<string>());
        Assert.False(await new OllamaModelClient(http).HasBlobAsync(other, ct));
        // The client reports Ollama's words.
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, Adapter, ct);
            var ex = await Assert.ThrowsAsync<OllamaApiException>(() => new OllamaModelClient(http).PushBlobAsync(new AdapterBlob(file, "x.gguf", other, Adapter.Length), ct));
            Assert.StartsWith("digest mismatch", ex.Message, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("md5:0123")]
    [InlineData("sha256:xyz")]
    public async Task A_malformed_digest_is_400_invalid_digest_format(string digest)
    {
        await using var fake = await FakeOllama.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.Endpoint };

        using var response = await http.PostAsync($"api/blobs/{digest}", new ByteArrayContent(Adapter), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid digest format", JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_naming_an_adapter_blob_ollama_lacks_fails_with_ollamas_error_and_creates_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        var model = HouseModelCatalogTests.Catalog.FindModel("miku-vl-moe")!;
        fake.WithModel(model.From);
        var client = new OllamaModelClient(new HttpClient { BaseAddress = fake.Endpoint });

        var ex = await Assert.ThrowsAsync<OllamaApiException>(() => client.CreateAsync(model, new AdapterBlob("unused", "miku-vl-moe.gguf", Digest, Adapter.Length), cancellationToken: ct));

        Assert.Equal($"open /root/.ollama/models/blobs/{Digest.Replace(':', '-')}: no such file or directory", ex.Message);
        Assert.False(fake.HasModel("miku-vl-moe"));
    }

    [Fact]
    public async Task Create_with_two_adapters_is_refused_before_streaming_as_ollama_does()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("base").WithBlob(Digest);
        using var http = new HttpClient { BaseAddress = fake.Endpoint };
        var body = new JsonObject { ["model"] = "two", ["from"] = "base", ["adapters"] = new JsonObject { ["a.gguf"] = Digest, ["b.gguf"] = Digest } };

        using var response = await http.PostAsync("api/create", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("only one adapter is currently supported", JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!.GetValue<string>());
    }
}
