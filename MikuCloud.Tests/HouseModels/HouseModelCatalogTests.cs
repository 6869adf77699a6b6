using System.Text.Json.Nodes;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Tests.HouseModels;

/// <summary>The real modelfiles/ against the product brief (§3) and the wire shapes.</summary>
public class HouseModelCatalogTests
{
    internal static HouseModelCatalog Catalog => HouseModelCatalog.Load(HouseModelCatalog.LocateDirectory());

    [Fact]
    public void House_model_is_miku_vl_on_qwen3_vl_q4_with_explicit_context_and_bilingual_system()
    {
        // Several house models now (HouseModelMetadataTests): the one every install gets is the default, and it is the only required one.
        var catalog = Catalog;
        var model = Assert.Single(catalog.Models, m => !m.IsOptional);
        Assert.Same(model, catalog.DefaultModel);

        Assert.Equal("miku-vl", model.Name);
        Assert.Equal("qwen3-vl:8b-instruct-q4_K_M", model.From);
        Assert.True(model.ContextLength >= 8192, "images cost ~1k tokens each; the context must hold several");
        Assert.Null(model.Modelfile.Template);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", model.Modelfile.System!);
        Assert.Contains("You are Miku", model.Modelfile.System, StringComparison.Ordinal);
    }

    // §3 of the brief, row by row: temperature, top_p, top_k, repeat_penalty, presence_penalty, num_predict.
    [Theory]
    [InlineData("balanced", 0.7, 0.9, null, 1.1, null, 1024)]
    [InlineData("precise", 0.3, 0.9, null, 1.3, null, 1024)]
    [InlineData("creative", 1.0, 0.9, null, 1.0, null, 1024)]
    [InlineData("long", 0.7, 0.9, null, 1.1, null, 2048)]
    [InlineData("vision", 0.7, 0.8, 20, 1.0, 1.5, 16384)]
    [InlineData("text", 1.0, 1.0, 40, 1.0, 2.0, 32768)]
    public void Presets_match_the_product_brief(string id, double temperature, double topP, int? topK, double repeatPenalty, double? presencePenalty, int numPredict)
    {
        var preset = Catalog.FindPreset(id);

        Assert.NotNull(preset);
        Assert.Equal("miku-vl", preset.Model);
        Assert.Equal(temperature, preset.Options["temperature"]);
        Assert.Equal(topP, preset.Options["top_p"]);
        Assert.Equal(topK, preset.Options.TryGetValue("top_k", out var k) ? (int?)Convert.ToInt32(k) : null);
        Assert.Equal(repeatPenalty, preset.Options["repeat_penalty"]);
        Assert.Equal(presencePenalty, preset.Options.TryGetValue("presence_penalty", out var p) ? (double?)p : null);
        Assert.Equal((long)numPredict, preset.Options["num_predict"]);
        Assert.False(string.IsNullOrWhiteSpace(preset.Titles.GetValueOrDefault("zh")));
        Assert.False(string.IsNullOrWhiteSpace(preset.Descriptions.GetValueOrDefault("en")));
    }

    [Fact]
    public void Exactly_six_presets_in_order_with_balanced_the_default()
    {
        Assert.Equal(["balanced", "precise", "creative", "long", "vision", "text"], Catalog.Presets.Select(p => p.Id));
        Assert.Equal("balanced", Catalog.DefaultPreset.Id);
    }

    [Theory]
    [InlineData("q8_0", "qwen3-vl:8b-instruct-q8_0")]
    [InlineData("BF16", "qwen3-vl:8b-instruct-bf16")]
    [InlineData("q4_k_m", "qwen3-vl:8b-instruct-q4_K_M")]
    public void Quantization_replaces_the_base_tag_suffix(string quant, string expected) =>
        Assert.Equal(expected, Catalog.DefaultModel.WithQuantization(quant).From);

    [Fact]
    public void Unknown_quantization_lists_the_choices()
    {
        var ex = Assert.Throws<ArgumentException>(() => Catalog.DefaultModel.WithQuantization("q2_K"));
        Assert.Contains("q4_K_M, q8_0, bf16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_request_has_the_wire_shape()
    {
        var wire = OllamaWire.Json("create-request.json");
        var request = Catalog.DefaultModel.ToCreateRequest();

        Assert.Equal(wire.Select(kv => kv.Key).Order(), request.Select(kv => kv.Key).Order());
        Assert.Equal("miku-vl", request["model"]!.GetValue<string>());
        Assert.Equal(wire["from"]!.GetValue<string>(), request["from"]!.GetValue<string>());
        Assert.True(request["stream"]!.GetValue<bool>());
        var parameters = Assert.IsType<JsonObject>(request["parameters"]);
        foreach (var (key, value) in (JsonObject)wire["parameters"]!)
        {
            // Same names, and numbers sent as JSON numbers (not strings), as Ollama expects.
            Assert.Equal(value!.GetValueKind(), parameters[key]!.GetValueKind());
        }

        Assert.Equal(16384, parameters["num_ctx"]!.GetValue<long>());
    }

    [Fact]
    public void Stop_parameters_become_a_json_list()
    {
        var m = new HouseModel("x", Modelfile.Parse("FROM a\nPARAMETER num_ctx 4096\nPARAMETER stop a\nPARAMETER stop b"));

        Assert.Equal("[\"a\",\"b\"]", m.ToCreateRequest()["parameters"]!["stop"]!.ToJsonString());
    }

    [Theory]
    [InlineData("FROM a\nTEMPLATE x\nPARAMETER num_ctx 4096", "must not set TEMPLATE")]
    [InlineData("FROM a", "must set PARAMETER num_ctx")]
    public void House_models_refuse_what_breaks_qwen3_vl(string text, string reason)
    {
        var ex = Assert.Throws<ModelfileException>(() => new HouseModel("x", Modelfile.Parse(text, "x.Modelfile")));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preset_on_an_unknown_model_or_without_default_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("modelfiles");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "miku-vl.Modelfile"), "FROM base\nPARAMETER num_ctx 4096");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "presets"));
            var preset = Path.Combine(dir.FullName, "presets", "odd.Modelfile");
            File.WriteAllText(preset, "# title.en: Odd\n# default: true\nFROM other-model\nPARAMETER temperature 1");
            Assert.Contains("is not a house model", Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.FullName)).Message, StringComparison.Ordinal);

            File.WriteAllText(preset, "# title.en: Odd\nFROM miku-vl\nPARAMETER temperature 1");
            Assert.Contains("exactly one preset", Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.FullName)).Message, StringComparison.Ordinal);

            File.WriteAllText(preset, "# title.en: Odd\n# default: true\nFROM miku-vl\nSYSTEM no");
            Assert.Contains("may only contain FROM, PARAMETER", Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.FullName)).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Endpoint=http://127.0.0.1:11434", "http://127.0.0.1:11434/", null)]
    [InlineData("Endpoint=http://gpu-box:11434;Model=miku-vl", "http://gpu-box:11434/", "miku-vl")]
    [InlineData("http://localhost:11434", "http://localhost:11434/", null)]
    public void Connection_strings_parse(string text, string endpoint, string? model)
    {
        var cs = OllamaConnectionString.Parse(text);
        Assert.Equal(endpoint, cs.Endpoint.ToString());
        Assert.Equal(model, cs.Model);
    }

    [Theory]
    [InlineData("Host=x")]
    [InlineData("Endpoint=ftp://x")]
    [InlineData("Endpoint=not a url")]
    public void Bad_connection_strings_say_the_expected_form(string text) =>
        Assert.Contains("Endpoint=http://host:11434", Assert.Throws<FormatException>(() => OllamaConnectionString.Parse(text)).Message, StringComparison.Ordinal);
}
