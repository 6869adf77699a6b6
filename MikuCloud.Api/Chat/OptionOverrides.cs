using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Requests;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Chat;

/// <summary>
/// User-supplied Ollama options (per conversation or per message), validated against
/// <see cref="OllamaParameters"/>: only user-tunable names, the right types, within range.
/// </summary>
public static class OptionOverrides
{
    /// <summary>Most entries a <c>stop</c> list may have, and the longest entry.</summary>
    public const int MaxStopSequences = 8, MaxStopLength = 64;

    /// <summary>Most unknown option names an error lists one by one (the rest are counted).</summary>
    public const int MaxUnknownNamesReported = 5;

    /// <summary>
    /// Validates <paramref name="options"/>; returns typed values (<see cref="double"/>, <see cref="long"/>,
    /// <see cref="bool"/>, <see cref="List{String}"/> for stop) or the problems, keyed <c>options.name</c>.
    /// </summary>
    public static Dictionary<string, object> Parse(JsonObject? options, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (options is null)
        {
            return values;
        }

        var unknown = 0;
        foreach (var (name, node) in options)
        {
            // Names are echoed capped, and only the first few: an error never grows with what was sent.
            var key = $"options.{Echo.Cap(name)}";
            if (!OllamaParameters.TryGet(name, out var spec) || !spec.UserTunable)
            {
                if (++unknown <= MaxUnknownNamesReported)
                {
                    errors[key] = [$"'{Echo.Cap(name)}' is not an option you can set. Allowed: {string.Join(", ", OllamaParameters.All.Where(p => p.UserTunable).Select(p => p.Name))}."];
                }
                else
                {
                    errors["options"] = [$"{unknown} names are not options you can set; the first {MaxUnknownNamesReported} are listed."];
                }

                continue;
            }

            if (node is null)
            {
                continue; // null = use the preset's value
            }

            if (Read(spec, node, out var error) is { } value)
            {
                values[name] = value;
            }
            else
            {
                errors[key] = [error!];
            }
        }

        return values;
    }

    /// <summary>Typed values back to a JSON object (for storage and the API).</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, object> values) => HouseModel.ParametersToJson(values);

    /// <summary>Reads stored JSON back into typed values (already validated when stored).</summary>
    public static Dictionary<string, object> FromStored(string? json) =>
        string.IsNullOrWhiteSpace(json) ? [] : Parse(JsonNode.Parse(json) as JsonObject, out _);

    private static object? Read(ParameterSpec spec, JsonNode node, out string? error)
    {
        error = null;
        var kind = node.GetValueKind();
        switch (spec.Kind)
        {
            case ParameterKind.Float when kind == JsonValueKind.Number:
                var d = node.GetValue<double>();
                return double.IsFinite(d) && OllamaParameters.CheckRange(spec, d, out error) ? d : Fail(ref error, $"{spec.Name} must be a finite number");
            case ParameterKind.Integer when kind == JsonValueKind.Number:
                if (!node.AsValue().TryGetValue<long>(out var l))
                {
                    return Fail(ref error, $"{spec.Name} must be a whole number");
                }

                return OllamaParameters.CheckRange(spec, l, out error) ? l : null;
            case ParameterKind.Boolean when kind is JsonValueKind.True or JsonValueKind.False:
                return node.GetValue<bool>();
            case ParameterKind.StringList:
                var items = kind == JsonValueKind.String ? [node.GetValue<string>()]
                    : kind == JsonValueKind.Array && node.AsArray().All(x => x?.GetValueKind() == JsonValueKind.String)
                        ? node.AsArray().Select(x => x!.GetValue<string>()).ToList()
                        : null;
                if (items is null || items.Count > MaxStopSequences || items.Any(s => s.Length is 0 or > MaxStopLength))
                {
                    return Fail(ref error, $"stop must be a string or a list of up to {MaxStopSequences} non-empty strings of at most {MaxStopLength} characters");
                }

                return items;
            default:
                return Fail(ref error, $"{spec.Name} must be a {(spec.Kind == ParameterKind.Boolean ? "true/false value" : spec.Kind == ParameterKind.Integer ? "whole number" : "number")}");
        }
    }

    private static object? Fail(ref string? error, string message)
    {
        error ??= message;
        return null;
    }
}
