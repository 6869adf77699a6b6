using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Chat;

/// <summary>One tunable option in the parameter panel, with the API's accepted range (<see cref="OllamaParameterRanges"/>).</summary>
public sealed record ParameterDefinition(string Name, double Min, double Max, double Step, bool Integer, bool Slider);

/// <summary>
/// A conversation's generation settings: preset, option overrides (Ollama names) and system prompt. Overrides are
/// only what the user changed; everything else comes from the preset, so switching preset still means something.
/// </summary>
public sealed class ConversationSettingsModel
{
    /// <summary>
    /// The panel's options, in display order, with the step and control the panel uses; the range and whether the
    /// value is whole come from the contract's table, the same one the API validates with.
    /// </summary>
    public static readonly IReadOnlyList<ParameterDefinition> Parameters =
    [
        Define("temperature", 0.05, slider: true),
        Define("top_p", 0.05, slider: true),
        Define("top_k", 1, slider: false),
        Define("repeat_penalty", 0.05, slider: true),
        Define("presence_penalty", 0.1, slider: true),
        Define("num_predict", 1, slider: false),
        Define("num_ctx", 512, slider: false),
        Define("seed", 1, slider: false),
    ];

    private static ParameterDefinition Define(string name, double step, bool slider)
    {
        var spec = OllamaParameterRanges.Get(name);
        return new(name, spec.Min, spec.Max, step, spec.Kind == ParameterKind.Integer, slider);
    }

    public string? PresetId { get; set; }

    /// <summary>The chat model (a name from <c>/api/models</c>); null until chosen: the default model.</summary>
    public string? Model { get; set; }

    public Dictionary<string, double> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>The knowledge bases answers draw on (empty: knowledge off).</summary>
    public IReadOnlyList<Guid> KnowledgeBaseIds { get; set; } = [];

    public string? SystemPrompt { get; set; }

    public static ConversationSettingsModel From(ConversationDto conversation)
    {
        var settings = new ConversationSettingsModel
        {
            PresetId = conversation.PresetId, SystemPrompt = conversation.SystemPrompt, Model = conversation.Model,
            KnowledgeBaseIds = conversation.KnowledgeBaseIds ?? [],
        };
        foreach (var (name, node) in conversation.Options ?? [])
        {
            if (Parameters.Any(p => p.Name == name) && node is JsonValue value && value.TryGetValue<double>(out var number))
            {
                settings.Overrides[name] = number;
            }
        }

        return settings;
    }

    public ConversationSettingsModel Clone()
    {
        var copy = new ConversationSettingsModel { PresetId = PresetId, SystemPrompt = SystemPrompt, Model = Model, KnowledgeBaseIds = KnowledgeBaseIds };
        foreach (var (k, v) in Overrides)
        {
            copy.Overrides[k] = v;
        }

        return copy;
    }

    /// <summary>The overrides as the API's <c>options</c> object (integers as integers).</summary>
    public JsonObject ToOptions()
    {
        var json = new JsonObject();
        foreach (var p in Parameters)
        {
            if (Overrides.TryGetValue(p.Name, out var v))
            {
                json[p.Name] = p.Integer ? JsonValue.Create((long)Math.Round(v)) : JsonValue.Create(v);
            }
        }

        return json;
    }

    /// <summary>The preset's value for an option, as text, or null when the preset leaves it to the model.</summary>
    public static string? PresetValue(PresetDto? preset, string name) =>
        preset?.Options is { } options && options.TryGetValue(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString(CultureInfo.InvariantCulture) : value.ToString()
            : null;

    /// <summary>Checks a typed value against the option's range; null when fine, else the (localised) problem.</summary>
    public static string? Validate(ParameterDefinition p, string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)
            || (p.Integer && d != Math.Floor(d)))
        {
            return string.Format(CultureInfo.CurrentCulture, UiText.Get("params.notNumber"), p.Name);
        }

        if (d < p.Min || d > p.Max)
        {
            return string.Format(CultureInfo.CurrentCulture, UiText.Get("params.outOfRange"), p.Name,
                p.Min.ToString(CultureInfo.InvariantCulture), p.Max.ToString(CultureInfo.InvariantCulture));
        }

        value = d;
        return null;
    }
}
