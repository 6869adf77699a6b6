using MikuCloud.HouseModels;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// The model ids the OpenAI-compatible door lists and accepts: the house model's name for its default preset
/// (<c>miku-vl</c>), and <c>name:preset</c> for each preset (<c>miku-vl:precise</c>), so that a client picks a preset
/// with the standard <c>model</c> field and no extra ones.
/// </summary>
/// <remarks>
/// The colon form reads like an Ollama tag, which is what a preset is to a user: a variant of the same model.
/// <c>name:latest</c> (how Ollama lists a model) means the default preset too, so ids copied from Ollama work.
/// </remarks>
public sealed class OpenAiModelIds(HouseModelCatalog catalog)
{
    /// <summary>One listed model id with the house model and preset it stands for.</summary>
    public sealed record Entry(string Id, HouseModel Model, Preset Preset);

    /// <summary>Every id, the default preset's (the bare model name) first.</summary>
    public IReadOnlyList<Entry> All { get; } = List(catalog);

    /// <summary>The house model and preset an id names, or null for an id MikuCloud does not serve.</summary>
    public Entry? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? id : id[..colon];
        var tag = colon < 0 ? null : id[(colon + 1)..];
        var model = catalog.Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (model is null)
        {
            return null;
        }

        var preset = tag is null || tag.Equals("latest", StringComparison.OrdinalIgnoreCase)
            ? DefaultFor(catalog, model)
            : catalog.Presets.FirstOrDefault(p => ModelName.AreSame(p.Model, model.Name) && p.Id.Equals(tag, StringComparison.OrdinalIgnoreCase));
        return preset is null ? null : new Entry(colon < 0 ? model.Name : $"{model.Name}:{preset.Id}", model, preset);
    }

    private static List<Entry> List(HouseModelCatalog catalog)
    {
        var entries = new List<Entry>();
        foreach (var model in catalog.Models)
        {
            var presets = catalog.Presets.Where(p => ModelName.AreSame(p.Model, model.Name)).ToList();
            if (DefaultFor(catalog, model) is { } fallback)
            {
                entries.Add(new Entry(model.Name, model, fallback));
            }

            entries.AddRange(presets.Select(p => new Entry($"{model.Name}:{p.Id}", model, p)));
        }

        return entries;
    }

    /// <summary>The catalog's default preset when it tunes this model, else the model's first preset.</summary>
    private static Preset? DefaultFor(HouseModelCatalog catalog, HouseModel model) =>
        ModelName.AreSame(catalog.DefaultPreset.Model, model.Name)
            ? catalog.DefaultPreset
            : catalog.Presets.FirstOrDefault(p => ModelName.AreSame(p.Model, model.Name));
}
