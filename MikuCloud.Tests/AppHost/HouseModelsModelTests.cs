using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost.Ollama;
using MikuCloud.Tests.HouseModels;

namespace MikuCloud.Tests.AppHost;

/// <summary>
/// Several house models in the AppHost's application model (nothing is started): the default always, optional ones
/// when <c>HouseModels:Enabled</c> names them, each a child of the Ollama server with its own health; the API waits
/// for the default only.
/// </summary>
public class HouseModelsModelTests
{
    private static List<OllamaModelResource> Models(DistributedApplication app) =>
        [.. app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<OllamaModelResource>()];

    [Fact]
    public async Task By_default_only_the_default_model_is_provisioned_and_the_api_hears_of_no_optional_model()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none");

        Assert.Equal(["miku-vl"], Models(app).Select(m => m.Name));
        Assert.DoesNotContain("HouseModels__Enabled", (await app.Resource("api").EnvironmentAsync(DistributedApplicationOperation.Publish)).Keys);
    }

    [Theory]
    [InlineData("HouseModels:Enabled=miku-text, miku-embed:latest")]
    [InlineData("HouseModels:Enabled:0=miku-embed", "HouseModels:Enabled:1=MIKU-TEXT")]
    public async Task Each_enabled_model_is_its_own_child_with_health_and_only_the_default_holds_the_api(params string[] enabled)
    {
        await using var app = await AppModel.BuildAsync(["Ollama:Mode=container", "Ollama:Gpu=none", .. enabled]);
        var api = app.Resource("api");

        Assert.Equal(["miku-embed", "miku-text", "miku-vl"], Models(app).Select(m => m.Name).Order());
        Assert.All(Models(app), m =>
        {
            Assert.Same(app.Resource("ollama"), m.Parent);
            Assert.Single(m.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Empty(m.Annotations.OfType<WaitAnnotation>());
            Assert.Equal($"{{ollama.connectionString}};Model={m.Name}", m.ConnectionStringExpression.ValueExpression);
        });
        Assert.Equal(["miku-vl"], api.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).OfType<OllamaModelResource>().Select(m => m.Name));
        var env = await api.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("miku-embed,miku-text", env["HouseModels__Enabled"]);
        Assert.Equal("{miku-vl.connectionString}", env["ConnectionStrings__ollama"]);
    }

    [Fact]
    public async Task Quantization_moves_the_default_and_its_lora_variant_but_never_another_base()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none", "Ollama:Quantization=q8_0",
            "HouseModels:Enabled=miku-text,miku-embed,miku-vl-moe");
        var from = Models(app).ToDictionary(m => m.Name, m => m.Model.From);

        Assert.Equal("qwen3-vl:8b-instruct-q8_0", from["miku-vl"]);
        Assert.Equal("qwen3-vl:8b-instruct-q8_0", from["miku-vl-moe"]);
        Assert.Equal("qwen3:4b-instruct-2507-q4_K_M", from["miku-text"]);
        Assert.Equal("qwen3-embedding:0.6b", from["miku-embed"]);
    }

    [Fact]
    public async Task An_adapter_model_is_a_child_whose_gguf_is_read_beside_its_Modelfile_and_the_api_does_not_wait_for_it()
    {
        using var dir = new TempModelfiles();
        var catalog = HouseModelCatalogTests.Catalog.Directory;
        foreach (var name in new[] { "miku-vl", "miku-vl-moe" })
        {
            dir.Write(name, File.ReadAllText(Path.Combine(catalog, name + ".Modelfile")));
        }

        var gguf = dir.WriteAdapter("adapters/miku-vl-moe.gguf", 1024);
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none", $"Ollama:ModelfilesPath={dir.Path}",
            "HouseModels:Enabled=miku-vl-moe");

        var variant = app.Resource<OllamaModelResource>("miku-vl-moe");
        Assert.Equal(gguf, variant.Model.AdapterPath);
        Assert.Equal(app.Resource<OllamaModelResource>("miku-vl").Model.From, variant.Model.From);
        Assert.Contains(variant.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == OllamaResourceBuilderExtensions.UnloadModelCommand);
        Assert.DoesNotContain(app.Resource("api").Annotations.OfType<WaitAnnotation>(), w => w.Resource == variant);
        Assert.Equal("miku-vl-moe", (await app.Resource("api").EnvironmentAsync(DistributedApplicationOperation.Publish))["HouseModels__Enabled"]);
    }

    [Fact]
    public async Task An_unknown_name_refuses_the_start_with_one_line_naming_the_optional_models()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none", "HouseModels:Enabled=miku-text,miku-xl"));

        // AppHostRefusal prints the message of the first InvalidOperationException in the chain as the one line.
        var refusal = Chain(ex).OfType<InvalidOperationException>().First().Message;
        Assert.StartsWith("HouseModels:Enabled names 'miku-xl', not a house model in ", refusal, StringComparison.Ordinal);
        Assert.EndsWith("(optional models: miku-embed, miku-text, miku-vl-moe).", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal);
    }

    private static IEnumerable<Exception> Chain(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
        }
    }
}
