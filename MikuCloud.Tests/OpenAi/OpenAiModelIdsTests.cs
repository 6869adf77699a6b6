using MikuCloud.Api.OpenAi;
using MikuCloud.HouseModels;

namespace MikuCloud.Tests.OpenAi;

/// <summary>A client picks a preset with the standard <c>model</c> field: the bare name is the default preset, <c>name:preset</c> the others.</summary>
public class OpenAiModelIdsTests
{
    private static readonly HouseModelCatalog Catalog = HouseModelCatalog.Load(HouseModelCatalog.LocateDirectory());

    private readonly OpenAiModelIds ids = new(Catalog);

    [Fact]
    public void The_bare_model_name_comes_first_and_means_the_default_preset_then_one_id_per_preset()
    {
        Assert.Equal("miku-vl", ids.All[0].Id);
        Assert.Equal(Catalog.DefaultPreset.Id, ids.All[0].Preset.Id);
        // Other house models (miku-text, miku-vl-moe) follow the default model's ids.
        Assert.Equal(Catalog.Presets.Select(p => $"miku-vl:{p.Id}").Order(), ids.All.Skip(1).TakeWhile(e => e.Model.Name == "miku-vl").Select(e => e.Id).Order());
    }

    [Theory]
    [InlineData("miku-vl", "balanced")]
    [InlineData("miku-vl:latest", "balanced")]
    [InlineData("MIKU-VL:Precise", "precise")]
    [InlineData("miku-vl:vision", "vision")]
    public void An_id_names_a_preset(string id, string preset) => Assert.Equal(preset, ids.Find(id)?.Preset.Id);

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("miku-vl:nope")]
    [InlineData("")]
    [InlineData(null)]
    public void An_id_this_server_does_not_serve_is_unknown(string? id) => Assert.Null(ids.Find(id));
}
