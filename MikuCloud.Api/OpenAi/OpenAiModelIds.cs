using MikuCloud.Api.Models;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// The model ids the OpenAI-compatible door lists and accepts: each chat model's name for its default preset
/// (<c>miku-vl</c>, <c>miku-text</c>), and <c>name:preset</c> for each preset that applies to it (<c>miku-vl:precise</c>),
/// so that a client picks a model and a preset with the standard <c>model</c> field and no extra ones. Embedding models
/// are listed by name alone.
/// </summary>
/// <remarks>
/// The colon form reads like an Ollama tag, which is what a preset is to a user: a variant of the same model.
/// <c>name:latest</c> (how Ollama lists a model) means the default preset too, so ids copied from Ollama work.
/// Only models that are on are listed and accepted (<see cref="Listed"/>, <see cref="Find(string?, IReadOnlyCollection{HouseModel})"/>).
/// </remarks>
public sealed class OpenAiModelIds(HouseModelCatalog catalog)
{
    /// <summary>One listed model id with the house model and preset it stands for.</summary>
    public sealed record Entry(string Id, HouseModel Model, Preset Preset);

    /// <summary>Every chat id of every house model, on or off, the default preset's (the bare model name) first.</summary>
    public IReadOnlyList<Entry> All { get; } = List(catalog);

    /// <summary>The chat ids of the models in <paramref name="enabled"/>.</summary>
    public IReadOnlyList<Entry> Listed(IReadOnlyCollection<HouseModel> enabled) => [.. All.Where(e => enabled.Contains(e.Model))];

    /// <summary>The embedding models in <paramref name="enabled"/>, listed by name.</summary>
    public static IReadOnlyList<string> Embeddings(IReadOnlyCollection<HouseModel> enabled) =>
        [.. (enabled ?? []).Where(m => m.Purpose == ModelPurpose.Embedding).Select(m => m.Name)];

    /// <summary>The house model and preset an id names, among the models in <paramref name="enabled"/>.</summary>
    public Entry? Find(string? id, IReadOnlyCollection<HouseModel> enabled) => Find(id) is { } entry && enabled.Contains(entry.Model) ? entry : null;

    /// <summary>The house model and preset an id names, or null for an id MikuCloud does not serve.</summary>
    public Entry? Find(string? id)
    {
        if (NameOf(id) is not { } name)
        {
            return null;
        }

        var colon = id!.IndexOf(':', StringComparison.Ordinal);
        var tag = colon < 0 ? null : id[(colon + 1)..];
        var model = catalog.Models.FirstOrDefault(m => m.IsChat && string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (model is null)
        {
            return null;
        }

        var preset = tag is null || tag.Equals("latest", StringComparison.OrdinalIgnoreCase)
            ? ModelPresets.DefaultFor(catalog, model)
            : ModelPresets.For(catalog, model).FirstOrDefault(p => p.Id.Equals(tag, StringComparison.OrdinalIgnoreCase));
        return preset is null ? null : new Entry(colon < 0 ? model.Name : $"{model.Name}:{preset.Id}", model, preset);
    }

    /// <summary>The model name of an id (before any <c>:preset</c>), or null for a blank id.</summary>
    public static string? NameOf(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? id : id[..colon];
    }

    private static List<Entry> List(HouseModelCatalog catalog)
    {
        var entries = new List<Entry>();
        foreach (var model in catalog.Models.Where(m => m.IsChat).OrderByDescending(m => m == catalog.DefaultModel))
        {
            entries.Add(new Entry(model.Name, model, ModelPresets.DefaultFor(catalog, model)));
            entries.AddRange(ModelPresets.For(catalog, model).Select(p => new Entry($"{model.Name}:{p.Id}", model, p)));
        }

        return entries;
    }
}
