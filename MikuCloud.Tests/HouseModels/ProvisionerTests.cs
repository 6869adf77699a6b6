using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.HouseModels;

/// <summary>Provisioning against the fake Ollama on real HTTP.</summary>
public class ProvisionerTests
{
    private static HouseModel House => HouseModelCatalogTests.Catalog.DefaultModel;

    private static (HouseModelProvisioner Provisioner, OllamaModelClient Client) Connect(FakeOllama fake)
    {
        var client = new OllamaModelClient(new HttpClient { BaseAddress = fake.Endpoint });
        return (new HouseModelProvisioner(client), client);
    }

    [Fact]
    public async Task Missing_model_is_pulled_with_progress_then_created_then_found()
    {
        await using var fake = await FakeOllama.StartAsync();
        var (provisioner, client) = Connect(fake);
        var steps = new List<ProvisionProgress>();

        var result = await provisioner.EnsureAsync(House, new Recorder(steps), TestContext.Current.CancellationToken);

        Assert.Equal(new ProvisionResult(Pulled: true, Created: true), result);
        var percents = steps.Where(s => s.Stage == ProvisionStage.Pulling && s.Percent is not null).Select(s => s.Percent!.Value).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(100, percents[^1]);
        Assert.Contains(steps, s => s.Stage == ProvisionStage.Creating && s.Message == "writing manifest");
        Assert.Equal(ProvisionStage.Ready, steps[^1].Stage);

        // The create request carried the Modelfile, and the model now answers /api/show under name:latest.
        var created = fake.GetModel("miku-vl:latest")!;
        Assert.Equal("qwen3-vl:8b-instruct-q4_K_M", created.From);
        Assert.Equal(House.Modelfile.System, created.System);
        Assert.Equal(["/api/show", "/api/show", "/api/pull", "/api/create"], fake.Paths);
        Assert.NotNull(await client.ShowAsync("miku-vl", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Present_and_unchanged_model_is_neither_pulled_nor_created()
    {
        await using var fake = await FakeOllama.StartAsync();
        var (provisioner, _) = Connect(fake);
        await provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken);
        fake.Requests.Clear();

        var result = await provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new ProvisionResult(false, false), result);
        Assert.Equal(["/api/show"], fake.Paths);
    }

    [Fact]
    public async Task Changed_modelfile_recreates_without_pulling_the_base_again()
    {
        await using var fake = await FakeOllama.StartAsync();
        var (provisioner, _) = Connect(fake);
        await provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken);
        fake.Requests.Clear();
        var changed = new HouseModel("miku-vl", Modelfile.Parse(
            $"FROM {House.From}\nPARAMETER num_ctx 32768\nSYSTEM \"\"\"{House.Modelfile.System}\"\"\""));

        var result = await provisioner.EnsureAsync(changed, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new ProvisionResult(false, true), result);
        Assert.DoesNotContain("/api/pull", fake.Paths);
        Assert.Equal("32768", fake.GetModel("miku-vl")!.Parameters["num_ctx"]);
    }

    [Fact]
    public async Task Another_quantization_pulls_its_own_base()
    {
        await using var fake = await FakeOllama.StartAsync();
        var (provisioner, _) = Connect(fake);
        await provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken);

        var result = await provisioner.EnsureAsync(House.WithQuantization("q8_0"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Pulled);
        Assert.True(fake.HasModel("qwen3-vl:8b-instruct-q8_0"));
        Assert.Equal("qwen3-vl:8b-instruct-q8_0", fake.GetModel("miku-vl")!.From);
    }

    [Fact]
    public async Task Pull_failure_surfaces_ollamas_message()
    {
        await using var fake = await FakeOllama.StartAsync();
        fake.PullError = "pull model manifest: file does not exist";
        var (provisioner, _) = Connect(fake);

        var ex = await Assert.ThrowsAsync<OllamaApiException>(() => provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("pull model manifest: file does not exist", ex.Message);
        Assert.False(fake.HasModel("miku-vl"));
    }

    [Fact]
    public async Task Create_failure_surfaces_ollamas_message()
    {
        await using var fake = await FakeOllama.StartAsync();
        fake.CreateError = "invalid model name";
        var (provisioner, _) = Connect(fake);

        var ex = await Assert.ThrowsAsync<OllamaApiException>(() => provisioner.EnsureAsync(House, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("invalid model name", ex.Message);
    }

    [Fact]
    public async Task Model_listing_reports_latest_names_and_unload_works()
    {
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        var (_, client) = Connect(fake);

        var models = await client.ListAsync(TestContext.Current.CancellationToken);
        await client.UnloadAsync("miku-vl", TestContext.Current.CancellationToken);

        Assert.Equal("miku-vl:latest", Assert.Single(models).Name);
        var unload = fake.Requests.Single(r => r.Path == "/api/generate").Body!;
        Assert.Equal(0, unload["keep_alive"]!.GetValue<int>());
    }

    [Fact]
    public async Task Non_json_error_pages_become_readable_errors()
    {
        await using var fake = await FakeOllama.StartAsync();
        var client = new OllamaModelClient(new HttpClient { BaseAddress = new Uri(fake.Endpoint, "nowhere/") });

        var ex = await Assert.ThrowsAsync<OllamaApiException>(() => client.GetVersionAsync(TestContext.Current.CancellationToken));

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Recorder(List<ProvisionProgress> steps) : IProgress<ProvisionProgress>
    {
        public void Report(ProvisionProgress value) => steps.Add(value);
    }
}
