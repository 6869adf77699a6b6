using System.Globalization;

namespace MikuCloud.HouseModels;

/// <summary>The kind of value an Ollama option takes.</summary>
public enum ParameterKind
{
    /// <summary>A floating-point number.</summary>
    Float,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary>A string; may be given several times (<c>stop</c>).</summary>
    StringList,
}

/// <summary>One Ollama option: its name, type and the range MikuCloud accepts.</summary>
/// <param name="Name">Ollama's option name, as in <c>PARAMETER name value</c> and the request's <c>options</c>.</param>
/// <param name="Kind">Value type.</param>
/// <param name="Min">Smallest accepted value (numbers only).</param>
/// <param name="Max">Largest accepted value (numbers only).</param>
/// <param name="UserTunable">Whether API clients may override it per conversation or message.</param>
public sealed record ParameterSpec(string Name, ParameterKind Kind, double Min = double.MinValue, double Max = double.MaxValue, bool UserTunable = true);

/// <summary>
/// Ollama's model options (the names valid in a Modelfile PARAMETER and in a request's <c>options</c>),
/// with the ranges MikuCloud enforces. Ollama itself accepts almost anything and silently misbehaves
/// (a negative <c>num_ctx</c>, a <c>top_p</c> of 7), so the ranges are ours, chosen to be generous.
/// </summary>
public static class OllamaParameters
{
    /// <summary>Largest context MikuCloud lets a request ask for (Qwen3-VL supports 256k; KV cache is the limit).</summary>
    public const int MaxContextLength = 262_144;

    /// <summary>Largest generation length a request may ask for.</summary>
    public const int MaxPredict = 131_072;

    private static readonly ParameterSpec[] Specs =
    [
        new("temperature", ParameterKind.Float, 0, 2),
        new("top_p", ParameterKind.Float, 0, 1),
        new("top_k", ParameterKind.Integer, 0, 1000),
        new("min_p", ParameterKind.Float, 0, 1),
        new("typical_p", ParameterKind.Float, 0, 1),
        new("repeat_penalty", ParameterKind.Float, 0, 2),
        new("repeat_last_n", ParameterKind.Integer, -1, MaxContextLength),
        new("presence_penalty", ParameterKind.Float, -2, 2),
        new("frequency_penalty", ParameterKind.Float, -2, 2),
        new("num_ctx", ParameterKind.Integer, 512, MaxContextLength),
        // -1 = until the context is full, -2 = fill the context; MikuCloud always sets a bound itself.
        new("num_predict", ParameterKind.Integer, 1, MaxPredict),
        new("seed", ParameterKind.Integer, int.MinValue, int.MaxValue),
        new("stop", ParameterKind.StringList),
        new("num_keep", ParameterKind.Integer, -1, MaxContextLength, UserTunable: false),
        new("mirostat", ParameterKind.Integer, 0, 2, UserTunable: false),
        new("mirostat_tau", ParameterKind.Float, 0, 100, UserTunable: false),
        new("mirostat_eta", ParameterKind.Float, 0, 10, UserTunable: false),
        new("penalize_newline", ParameterKind.Boolean, UserTunable: false),
        new("num_batch", ParameterKind.Integer, 1, 65_536, UserTunable: false),
        new("num_gpu", ParameterKind.Integer, -1, 1_000, UserTunable: false),
        new("main_gpu", ParameterKind.Integer, 0, 64, UserTunable: false),
        new("num_thread", ParameterKind.Integer, 0, 1_024, UserTunable: false),
        new("use_mmap", ParameterKind.Boolean, UserTunable: false),
        new("numa", ParameterKind.Boolean, UserTunable: false),
        new("low_vram", ParameterKind.Boolean, UserTunable: false),
    ];

    private static readonly Dictionary<string, ParameterSpec> ByName = Specs.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Every known option.</summary>
    public static IReadOnlyList<ParameterSpec> All => Specs;

    /// <summary>Looks an option up by its exact (lower-case) name.</summary>
    public static bool TryGet(string name, out ParameterSpec spec) => ByName.TryGetValue(name, out spec!);

    /// <summary>
    /// Parses a textual value (as written in a Modelfile) into a typed one: <see cref="double"/>,
    /// <see cref="long"/>, <see cref="bool"/> or <see cref="string"/>. Returns an error text instead of throwing.
    /// </summary>
    public static object? Parse(ParameterSpec spec, string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        switch (spec.Kind)
        {
            case ParameterKind.Float when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                return CheckRange(spec, d, out error) ? d : null;
            case ParameterKind.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                return CheckRange(spec, l, out error) ? l : null;
            case ParameterKind.Boolean when bool.TryParse(text, out var b):
                return b;
            case ParameterKind.StringList:
                return text;
            default:
                error = $"'{text}' is not a valid {Describe(spec.Kind)} for {spec.Name}";
                return null;
        }
    }

    /// <summary>Checks a number against the option's range; the error names the range.</summary>
    public static bool CheckRange(ParameterSpec spec, double value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (value < spec.Min || value > spec.Max)
        {
            error = $"{spec.Name} must be between {spec.Min.ToString(CultureInfo.InvariantCulture)} and {spec.Max.ToString(CultureInfo.InvariantCulture)}, not {value.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }

        error = null;
        return true;
    }

    private static string Describe(ParameterKind kind) => kind switch
    {
        ParameterKind.Float => "number",
        ParameterKind.Integer => "whole number",
        ParameterKind.Boolean => "true/false value",
        _ => "text",
    };
}
