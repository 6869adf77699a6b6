using System.Globalization;
using MikuCloud.Contracts;

namespace MikuCloud.HouseModels;

/// <summary>
/// Reads and checks Ollama option values against the one table of names and ranges,
/// <see cref="OllamaParameterRanges"/> (in the contract, so the Web's panel shows the same bounds).
/// </summary>
public static class OllamaParameters
{
    /// <summary>Largest context MikuCloud lets a request ask for (Qwen3-VL supports 256k; KV cache is the limit).</summary>
    public const int MaxContextLength = OllamaParameterRanges.MaxContextLength;

    /// <summary>Largest generation length a request may ask for.</summary>
    public const int MaxPredict = OllamaParameterRanges.MaxPredict;

    /// <summary>Every known option.</summary>
    public static IReadOnlyList<ParameterSpec> All => OllamaParameterRanges.All;

    /// <summary>Looks an option up by its exact (lower-case) name.</summary>
    public static bool TryGet(string name, out ParameterSpec spec) => OllamaParameterRanges.TryGet(name, out spec);

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
