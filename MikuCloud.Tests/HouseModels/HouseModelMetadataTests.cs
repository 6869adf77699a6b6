using MikuCloud.HouseModels;

namespace MikuCloud.Tests.HouseModels;

/// <summary>
/// What each house model declares (<c># purpose</c>, <c># optional</c>, <c># default</c>, titles, <c># presets</c>,
/// <c>ADAPTER</c>) and the catalog's rules over them: the default model, the enabled set, the presets a model gets.
/// </summary>
public class HouseModelMetadataTests
{
    private static readonly HouseModelCatalog Catalog = HouseModelCatalogTests.Catalog;

    private static HouseModel Model(string name) => Catalog.FindModel(name) ?? throw new Xunit.Sdk.XunitException($"{name} is not in modelfiles/");

    [Fact]
    public void The_catalog_holds_miku_vl_as_the_default_and_three_optional_models_each_saying_what_it_is_for()
    {
        // File name order ('-' sorts before '.'); the default is marked, not the first.
        Assert.Equal(["miku-embed", "miku-text", "miku-vl-moe", "miku-vl"], Catalog.Models.Select(m => m.Name));
        Assert.Equal("miku-vl", Catalog.DefaultModel.Name);
        Assert.Equal((ModelPurpose.Vision, false, true), (Model("miku-vl").Purpose, Model("miku-vl").IsOptional, Model("miku-vl").IsDefault));
        Assert.Equal((ModelPurpose.Text, true), (Model("miku-text").Purpose, Model("miku-text").IsOptional));
        Assert.Equal((ModelPurpose.Embedding, true, false), (Model("miku-embed").Purpose, Model("miku-embed").IsOptional, Model("miku-embed").IsChat));
        Assert.Equal((ModelPurpose.Vision, true), (Model("miku-vl-moe").Purpose, Model("miku-vl-moe").IsOptional));
        Assert.All(Catalog.Models, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Titles.GetValueOrDefault("en")), m.Name);
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", m.Titles.GetValueOrDefault("zh") ?? "");
            Assert.False(string.IsNullOrWhiteSpace(m.Descriptions.GetValueOrDefault("en")), m.Name);
        });
    }

    [Fact]
    public void The_optional_models_are_small_qwen_bases_and_the_lora_variant_sits_on_miku_vls_own_base()
    {
        Assert.Equal("qwen3:4b-instruct-2507-q4_K_M", Model("miku-text").From);
        Assert.Equal("qwen3-embedding:0.6b", Model("miku-embed").From);
        Assert.Equal(Model("miku-vl").From, Model("miku-vl-moe").From);
        Assert.Equal("./adapters/miku-vl-moe.gguf", Model("miku-vl-moe").Modelfile.Adapter);
        Assert.Equal(Path.Combine(Catalog.Directory, "adapters", "miku-vl-moe.gguf"), Model("miku-vl-moe").AdapterPath);
        Assert.Null(Model("miku-vl").AdapterPath);
        // The same system prompt: the variant changes the weights, not who Miku is.
        Assert.Equal(Model("miku-vl").Modelfile.System, Model("miku-vl-moe").Modelfile.System);
    }

    [Fact]
    public void Enabled_is_every_required_model_plus_the_optional_ones_named_in_any_spelling()
    {
        Assert.Equal(["miku-vl"], Catalog.Enabled([]).Select(m => m.Name));
        Assert.Equal(["miku-embed", "miku-text", "miku-vl"], Catalog.Enabled(["miku-text:latest", "MIKU-EMBED"]).Select(m => m.Name));
        Assert.Equal(["miku-vl"], Catalog.Enabled(["miku-xl"]).Select(m => m.Name));
    }

    [Fact]
    public void Presets_come_from_FROM_and_from_what_a_model_borrows_and_an_embedding_model_has_none()
    {
        Assert.Equal(["balanced", "precise", "creative", "long", "vision", "text"], Catalog.PresetsFor(Model("miku-vl")).Select(p => p.Id));
        Assert.Equal(["balanced", "precise", "creative", "long", "text"], Catalog.PresetsFor(Model("miku-text")).Select(p => p.Id));
        Assert.Equal(Catalog.PresetsFor(Model("miku-vl")).Select(p => p.Id), Catalog.PresetsFor(Model("miku-vl-moe")).Select(p => p.Id));
        Assert.Empty(Catalog.PresetsFor(Model("miku-embed")));
    }

    [Fact]
    public void The_default_is_the_marked_model_else_the_first_required_chat_model_else_the_first_chat_model()
    {
        using var dir = new TempModelfiles();
        dir.Write("a-embed", TempModelfiles.Chat("e", "# purpose: embedding"));
        dir.Write("b-opt", TempModelfiles.Chat("b", "# optional: true"));
        Assert.Equal("b-opt", HouseModelCatalog.Load(dir.Path).DefaultModel.Name);

        dir.Write("c-req", TempModelfiles.Chat("c"));
        Assert.Equal("c-req", HouseModelCatalog.Load(dir.Path).DefaultModel.Name);

        // Two required chat models: still a required one (an optional default would be one nobody provisioned).
        dir.Write("d-req", TempModelfiles.Chat("d"));
        Assert.Equal("c-req", HouseModelCatalog.Load(dir.Path).DefaultModel.Name);

        dir.Write("d-req", TempModelfiles.Chat("d", "# default: true"));
        Assert.Equal("d-req", HouseModelCatalog.Load(dir.Path).DefaultModel.Name);
    }

    [Theory]
    [InlineData("# purpose: chat", "'# purpose: chat' is not one of: vision, text, embedding")]
    [InlineData("# presets: balanced, fancy", "'# presets:' names 'fancy', which is not in presets/")]
    [InlineData("# default: true\n# optional: true", "the default model must be a chat model that is not optional")]
    [InlineData("# default: true\n# purpose: embedding", "the default model must be a chat model that is not optional")]
    public void A_catalog_with_a_bad_declaration_is_refused_naming_the_rule(string declaration, string reason)
    {
        using var dir = new TempModelfiles();
        dir.Write("base", TempModelfiles.Chat("b"));
        dir.Write("presets/balanced", "# title.en: Balanced\n# default: true\nFROM base\nPARAMETER temperature 0.7");
        dir.Write("odd", TempModelfiles.Chat("o", declaration.Split('\n')));

        var ex = Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.Path));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_defaults_or_no_chat_model_at_all_are_refused()
    {
        using var dir = new TempModelfiles();
        dir.Write("a", TempModelfiles.Chat("a", "# purpose: embedding"));
        Assert.Contains("no chat model", Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.Path)).Message, StringComparison.Ordinal);

        dir.Write("b", TempModelfiles.Chat("b", "# default: true"));
        dir.Write("c", TempModelfiles.Chat("c", "# default: true"));
        Assert.Contains("at most one house model may say '# default: true'", Assert.Throws<ModelfileException>(() => HouseModelCatalog.Load(dir.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantization_moves_the_default_and_its_lora_variant_together_and_leaves_other_bases_alone()
    {
        Assert.True(Model("miku-vl-moe").SharesBaseWith(Model("miku-vl").WithQuantization("bf16")));
        Assert.False(Model("miku-text").SharesBaseWith(Model("miku-vl")));
        Assert.False(Model("miku-embed").SharesBaseWith(Model("miku-vl")));
        Assert.Equal("qwen3-vl:8b-instruct", Quantization.WithoutSuffix("qwen3-vl:8b-instruct-q8_0"));
        // A FROM without one of the suffixes is never rewritten (qwen3-embedding has no q4_K_M/q8_0/bf16 tags).
        Assert.Equal("qwen3-embedding:0.6b", Model("miku-embed").WithQuantization("q8_0").From);
        Assert.Equal("./adapters/miku-vl-moe.gguf", Model("miku-vl-moe").WithQuantization("q8_0").Modelfile.Adapter);
    }

    [Theory]
    [InlineData("/srv/adapters/x.gguf")]
    [InlineData("../elsewhere/x.gguf")]
    [InlineData("./adapters/../../x.gguf")]
    [InlineData("./adapters/x.safetensors")]
    public void ADAPTER_must_be_a_gguf_beside_the_Modelfile(string adapter)
    {
        var ex = Assert.Throws<ModelfileException>(() => new HouseModel("x", Modelfile.Parse($"FROM a\nADAPTER {adapter}\nPARAMETER num_ctx 4096", "x.Modelfile")));

        Assert.Contains("ADAPTER must be a relative path to a .gguf file beside the Modelfile (e.g. ./adapters/x.gguf)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_adapter_is_found_beside_its_Modelfile_and_is_not_needed_to_load_the_catalog()
    {
        using var dir = new TempModelfiles();
        dir.Write("base", TempModelfiles.Chat("b"));
        dir.Write("variant", TempModelfiles.Chat("b", "# optional: true", "ADAPTER adapters/v.gguf"));

        var variant = HouseModelCatalog.Load(dir.Path).FindModel("variant")!;

        Assert.Equal(Path.Combine(dir.Path, "adapters", "v.gguf"), variant.AdapterPath);
        Assert.False(File.Exists(variant.AdapterPath));
    }
}
