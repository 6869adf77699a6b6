using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.HouseModels;

/// <summary>A house model with a LoRA adapter, provisioned against the fake Ollama on real HTTP.</summary>
public sealed class AdapterProvisioningTests : IDisposable
{
    private readonly TempModelfiles dir = new();

    private HouseModel Variant(string? adapter = "./adapters/miku-vl-moe.gguf")
    {
        var source = File.ReadAllText(Path.Combine(HouseModelCatalogTests.Catalog.Directory, "miku-vl-moe.Modelfile"));
        if (adapter is null)
        {
            source = string.Join('\n', source.Split('\n').Where(l => !l.StartsWith("ADAPTER ", StringComparison.Ordinal)));
        }

        return new HouseModel("miku-vl-moe", Modelfile.Load(dir.Write("miku-vl-moe", source)));
    }

    private static HouseModelProvisioner Connect(FakeOllama fake) => new(new OllamaModelClient(new HttpClient { BaseAddress = fake.Endpoint }));

    private static string DigestOf(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static List<string> Calls(FakeOllama fake) => [.. fake.Requests.Select(r => $"{r.Method} {r.Path}")];

    [Fact]
    public async Task The_adapter_is_uploaded_as_a_blob_then_named_in_the_create_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        var gguf = dir.WriteAdapter("adapters/miku-vl-moe.gguf", 3 * 1024 * 1024 + 17);
        var digest = DigestOf(gguf);
        var steps = new List<ProvisionProgress>();

        var result = await Connect(fake).EnsureAsync(Variant(), new Recorder(steps), ct);

        Assert.Equal(new ProvisionResult(Pulled: true, Created: true), result);
        Assert.Equal(["POST /api/show", "POST /api/show", "POST /api/pull", $"HEAD /api/blobs/{digest}", $"POST /api/blobs/{digest}", "POST /api/create"], Calls(fake));
        // The fake hashed what arrived: every byte of the file, under the digest the client computed.
        Assert.Equal(new FileInfo(gguf).Length, fake.Blobs[digest]);
        var create = fake.GetModel("miku-vl-moe")!.CreateRequest!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"miku-vl-moe.gguf":"{{digest}}"}"""), create["adapters"]), create.ToJsonString());
        // Otherwise the create request keeps the wire sample's shape.
        Assert.Equal(OllamaWire.Json("create-request.json").Select(kv => kv.Key).Append("adapters").Order(), create.Select(kv => kv.Key).Order());
        Assert.Contains(steps, s => s.Stage == ProvisionStage.Uploading && s.Message.StartsWith("Uploading miku-vl-moe.gguf (3.1 MB)", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Stage == ProvisionStage.Creating && s.Message == "parsing GGUF");
    }

    [Fact]
    public async Task The_same_adapter_again_does_nothing_and_a_retrained_one_recreates_the_model_without_pulling()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        var gguf = dir.WriteAdapter("adapters/miku-vl-moe.gguf", 64 * 1024, seed: 1);
        var provisioner = Connect(fake);
        await provisioner.EnsureAsync(Variant(), cancellationToken: ct);
        fake.Requests.Clear();

        Assert.Equal(new ProvisionResult(false, false), await provisioner.EnsureAsync(Variant(), cancellationToken: ct));
        Assert.Equal(["POST /api/show"], Calls(fake));

        dir.WriteAdapter("adapters/miku-vl-moe.gguf", 64 * 1024, seed: 2);
        var retrained = DigestOf(gguf);
        fake.Requests.Clear();

        Assert.Equal(new ProvisionResult(false, true), await provisioner.EnsureAsync(Variant(), cancellationToken: ct));
        Assert.Equal(["POST /api/show", "POST /api/show", $"HEAD /api/blobs/{retrained}", $"POST /api/blobs/{retrained}", "POST /api/create"], Calls(fake));
        Assert.Equal(retrained, fake.GetModel("miku-vl-moe")!.CreateRequest!["adapters"]!["miku-vl-moe.gguf"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_blob_ollama_already_has_is_not_sent_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        var digest = DigestOf(dir.WriteAdapter("adapters/miku-vl-moe.gguf", 4096));
        fake.WithModel(HouseModelCatalogTests.Catalog.DefaultModel.From).WithBlob(digest, 4096);

        await Connect(fake).EnsureAsync(Variant(), cancellationToken: ct);

        Assert.Equal(["POST /api/show", "POST /api/show", $"HEAD /api/blobs/{digest}", "POST /api/create"], Calls(fake));
    }

    [Fact]
    public async Task Dropping_the_ADAPTER_line_recreates_the_model_without_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeOllama.StartAsync();
        dir.WriteAdapter("adapters/miku-vl-moe.gguf", 4096);
        var provisioner = Connect(fake);
        await provisioner.EnsureAsync(Variant(), cancellationToken: ct);

        var result = await provisioner.EnsureAsync(Variant(adapter: null), cancellationToken: ct);

        Assert.True(result.Created);
        Assert.Null(fake.GetModel("miku-vl-moe")!.CreateRequest!["adapters"]);
    }

    [Fact]
    public async Task A_missing_adapter_is_a_clear_error_naming_the_file_and_how_to_make_it_and_asks_ollama_nothing()
    {
        await using var fake = await FakeOllama.StartAsync();

        var ex = await Assert.ThrowsAsync<ModelfileException>(() => Connect(fake).EnsureAsync(Variant(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("miku-vl-moe: the LoRA adapter './adapters/miku-vl-moe.gguf' is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, "adapters", "miku-vl-moe.gguf"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("convert_lora_to_gguf.py", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HouseModels:Enabled", ex.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    public void Dispose() => dir.Dispose();

    private sealed class Recorder(List<ProvisionProgress> steps) : IProgress<ProvisionProgress>
    {
        public void Report(ProvisionProgress value) => steps.Add(value);
    }
}
