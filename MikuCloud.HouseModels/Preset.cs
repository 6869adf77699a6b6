namespace MikuCloud.HouseModels;

/// <summary>
/// A named set of sampling options applied per request (e.g. <c>balanced</c>, <c>vision</c>), defined as
/// a Modelfile in <c>modelfiles/presets/</c> whose <c>FROM</c> names the house model it tunes.
/// </summary>
/// <param name="Id">The file name without extension, e.g. <c>balanced</c>.</param>
/// <param name="Model">The house model it applies to.</param>
/// <param name="Options">Ollama options, typed as in <see cref="Modelfile.Parameters"/>.</param>
/// <param name="Titles">Display titles by UI language (<c>en</c>, <c>zh</c>).</param>
/// <param name="Descriptions">One-line descriptions by UI language.</param>
/// <param name="IsDefault">The preset new conversations get.</param>
/// <param name="Order">Display order.</param>
public sealed record Preset(
    string Id,
    string Model,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    bool IsDefault,
    int Order)
{
    /// <summary>Builds a preset from its Modelfile; only FROM, PARAMETER and metadata comments are allowed.</summary>
    public static Preset FromModelfile(string id, Modelfile modelfile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(modelfile);
        if (modelfile.System is not null || modelfile.Template is not null || modelfile.Adapter is not null || modelfile.Messages.Count > 0)
        {
            throw new ModelfileException(modelfile.Source, 0, "a preset may only contain FROM, PARAMETER and '# key: value' comments");
        }

        var titles = Localized(modelfile.Metadata, "title");
        if (!titles.ContainsKey("en"))
        {
            throw new ModelfileException(modelfile.Source, 0, "a preset needs a '# title.en: …' comment");
        }

        var order = modelfile.Metadata.TryGetValue("order", out var o) && int.TryParse(o, out var n) ? n : int.MaxValue;
        var isDefault = modelfile.Metadata.TryGetValue("default", out var d) && bool.TryParse(d, out var b) && b;
        return new Preset(id, modelfile.From, modelfile.Parameters, titles, Localized(modelfile.Metadata, "description"), isDefault, order);
    }

    private static Dictionary<string, string> Localized(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.Where(kv => kv.Key.StartsWith(key + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(key.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);
}
