using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Requests;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The form fields of <c>POST /api/batches</c>, validated: <c>prompt</c> (required), <c>name</c>, <c>presetId</c>,
/// <c>options</c> (Ollama options, the chat rules), <c>schema</c> (a JSON schema object), <c>keepImages</c>, <c>start</c>,
/// <c>model</c> (a vision model; whether it is on is checked when each item runs, by the turn engine).
/// </summary>
public sealed record BatchSettings(string Name, string Prompt, string PresetId, JsonObject? Options, JsonObject? Schema, bool KeepImages, bool? Start)
{
    /// <summary>The vision model for the items (a house model's name), or null for the default model.</summary>
    public string? Model { get; init; }

    /// <summary>Longest name, in characters.</summary>
    public const int MaxNameLength = 200;

    private static readonly JsonDocumentOptions Json = new() { MaxDepth = 32 };

    /// <summary>The fields as sent (unknown ones ignored); every problem at once as a 400 naming the fields.</summary>
    public static BatchSettings Parse(IReadOnlyDictionary<string, string> fields, HouseModelCatalog catalog, BatchOptions limits)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(limits);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prompt = fields.GetValueOrDefault("prompt")?.Trim() ?? "";
        if (prompt.Length == 0)
        {
            errors["prompt"] = ["Write the prompt every image is answered with."];
        }
        else if (prompt.Length > limits.MaxPromptLength)
        {
            errors["prompt"] = [$"The prompt is {prompt.Length:N0} characters; the limit is {limits.MaxPromptLength:N0}."];
        }

        var name = fields.GetValueOrDefault("name")?.Trim() ?? "";
        if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"name may have at most {MaxNameLength} characters."];
        }

        var presetId = fields.GetValueOrDefault("presetId")?.Trim();
        var preset = string.IsNullOrEmpty(presetId) ? catalog.DefaultPreset : catalog.FindPreset(presetId);
        if (preset is null)
        {
            errors["presetId"] = [$"Unknown preset '{Echo.Cap(presetId!)}'. Known: {string.Join(", ", catalog.Presets.Select(p => p.Id))}."];
        }

        var modelName = fields.GetValueOrDefault("model")?.Trim();
        var model = string.IsNullOrEmpty(modelName) ? null : catalog.FindModel(modelName);
        if (!string.IsNullOrEmpty(modelName) && model is not { Purpose: ModelPurpose.Vision })
        {
            errors["model"] = [$"'{Echo.Cap(modelName)}' is not a vision model. Known: {string.Join(", ", catalog.Models.Where(m => m.Purpose == ModelPurpose.Vision).Select(m => m.Name))}."];
        }

        if (model is { Purpose: ModelPurpose.Vision })
        {
            // The preset follows the model: its default when none is named, one of its own otherwise.
            if (string.IsNullOrEmpty(presetId))
            {
                preset = Models.ModelPresets.DefaultFor(catalog, model);
            }
            else if (preset is not null && !Models.ModelPresets.Applies(catalog, model, preset))
            {
                errors["presetId"] = [$"The preset '{preset.Id}' does not apply to {model.Name}."];
            }
        }

        var options = Object(fields, "options", 4_000, errors);
        if (options is not null)
        {
            OptionOverrides.Parse(options, out var optionErrors);
            if (optionErrors.Count > 0)
            {
                throw new ApiProblem(400, ProblemCodes.InvalidOptions, "Some options are not valid.", optionErrors);
            }
        }

        var schema = Object(fields, "schema", limits.MaxSchemaBytes, errors);
        var keep = Flag(fields, "keepImages", errors) ?? false;
        var start = Flag(fields, "start", errors);
        if (fields.Values.Any(v => !JsonText.IsValid(v)))
        {
            throw JsonErrors.InvalidText(fields.First(f => !JsonText.IsValid(f.Value)).Key);
        }

        return errors.Count > 0
            ? throw BatchProblems.Invalid(errors)
            : new BatchSettings(name, prompt, preset!.Id, options, schema, keep, start) { Model = model?.Name };
    }

    private static JsonObject? Object(IReadOnlyDictionary<string, string> fields, string field, int maxBytes, Dictionary<string, string[]> errors)
    {
        if (fields.GetValueOrDefault(field) is not { } text || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            errors[field] = [$"{field} may be at most {maxBytes:N0} bytes."];
            return null;
        }

        try
        {
            if (JsonNode.Parse(text, documentOptions: Json) is JsonObject value)
            {
                return value;
            }
        }
        catch (JsonException)
        {
            // Said below, as for any other value that is not an object.
        }

        errors[field] = [$"{field} must be a JSON object."];
        return null;
    }

    private static bool? Flag(IReadOnlyDictionary<string, string> fields, string field, Dictionary<string, string[]> errors)
    {
        switch (fields.GetValueOrDefault(field)?.Trim().ToLowerInvariant())
        {
            case null or "":
                return null;
            case "true" or "1" or "on" or "yes":
                return true;
            case "false" or "0" or "off" or "no":
                return false;
            default:
                errors[field] = [$"{field} must be true or false."];
                return null;
        }
    }
}
