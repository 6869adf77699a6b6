using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>Which presets a chat model takes (<see cref="HouseModelCatalog.PresetsFor"/>), and the one it starts with.</summary>
public static class ModelPresets
{
    /// <summary>The catalog's default preset when it applies to <paramref name="model"/>, else the model's first preset.</summary>
    /// <remarks>A model with no preset of its own runs on the catalog's default, the only preset it accepts.</remarks>
    public static Preset DefaultFor(HouseModelCatalog catalog, HouseModel model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var presets = catalog.PresetsFor(model);
        return presets.Contains(catalog.DefaultPreset) ? catalog.DefaultPreset : presets.FirstOrDefault() ?? catalog.DefaultPreset;
    }

    /// <summary>The presets <paramref name="model"/> accepts (a chat model with none of its own: the catalog's default).</summary>
    public static IReadOnlyList<Preset> For(HouseModelCatalog catalog, HouseModel model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        return catalog.PresetsFor(model) is { Count: > 0 } presets ? presets : model.IsChat ? [catalog.DefaultPreset] : [];
    }

    /// <summary>Whether <paramref name="preset"/> applies to <paramref name="model"/>.</summary>
    public static bool Applies(HouseModelCatalog catalog, HouseModel model, Preset preset)
    {
        return For(catalog, model).Contains(preset);
    }
}
