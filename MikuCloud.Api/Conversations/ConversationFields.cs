using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Reads <c>title</c>, <c>presetId</c>, <c>systemPrompt</c> and <c>options</c> from a create or patch body
/// and applies the ones present to a conversation. Property names match case-insensitively; unknown
/// properties (e.g. <c>id</c>, <c>createdAt</c> from a DTO sent back) are ignored.
/// </summary>
/// <remarks>
/// Rules: <c>title</c> is trimmed, control characters become spaces, at most <see cref="MaxTitleLength"/>
/// characters, <c>""</c> (the default) means "untitled" and the UI shows its own label;
/// <c>presetId</c> must name a preset (null = the default preset); <c>systemPrompt</c> at most
/// <see cref="MaxSystemPromptLength"/> characters, blank or null = the house model's own;
/// <c>options</c> is validated by <see cref="OptionOverrides"/> and replaces the previous object (null clears it).
/// </remarks>
public static class ConversationFields
{
    public const int MaxTitleLength = 200;
    public const int MaxSystemPromptLength = 20_000;
    public const int MaxOptionsJsonLength = 4_000;

    /// <summary>
    /// The largest create or patch body: every field at its longest, each character escaped (<c>\uXXXX</c>), and room for
    /// the names, a preset id and whitespace. Kilobytes, not the server's 30 MB default.
    /// </summary>
    public const long MaxBodyBytes = (MaxTitleLength + MaxSystemPromptLength + MaxOptionsJsonLength) * 6L + 16 * 1024;

    /// <summary>Applies the fields present in <paramref name="body"/>; returns the problems (empty when valid).</summary>
    public static Dictionary<string, string[]> Apply(JsonElement body, Conversation target, HouseModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return errors;
        }

        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "title":
                    if (ReadString(value, "title", errors, out var title))
                    {
                        title = NormalizeTitle(title);
                        if (title.Length > MaxTitleLength)
                        {
                            errors["title"] = [$"The title may have at most {MaxTitleLength} characters (it has {title.Length})."];
                        }
                        else
                        {
                            target.Title = title;
                        }
                    }

                    break;
                case "presetid":
                    if (ReadString(value, "presetId", errors, out var presetId))
                    {
                        var preset = string.IsNullOrWhiteSpace(presetId) ? catalog.DefaultPreset : catalog.FindPreset(presetId.Trim());
                        if (preset is null)
                        {
                            errors["presetId"] = [$"Unknown preset '{Truncate(presetId, 64)}'. Available: {string.Join(", ", catalog.Presets.Select(p => p.Id))}."];
                        }
                        else
                        {
                            target.PresetId = preset.Id;
                        }
                    }

                    break;
                case "systemprompt":
                    if (ReadString(value, "systemPrompt", errors, out var systemPrompt))
                    {
                        if (systemPrompt.Length > MaxSystemPromptLength)
                        {
                            errors["systemPrompt"] = [$"The system prompt may have at most {MaxSystemPromptLength} characters (it has {systemPrompt.Length})."];
                        }
                        else
                        {
                            target.SystemPrompt = string.IsNullOrWhiteSpace(systemPrompt) ? null : systemPrompt;
                        }
                    }

                    break;
                case "options":
                    ApplyOptions(value, target, errors);
                    break;
            }
        }

        return errors;
    }

    /// <summary>Trimmed, with line breaks and other control characters as spaces.</summary>
    public static string NormalizeTitle(string title) =>
        string.Create(title.Length, title, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        }).Trim();

    private static void ApplyOptions(JsonElement value, Conversation target, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            target.OptionsJson = null;
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["options"] = ["options must be a JSON object of Ollama options, e.g. {\"temperature\": 0.5}."];
            return;
        }

        // Built property by property (a later duplicate wins) rather than by JsonObject.Create, which rejects duplicates.
        var options = new JsonObject();
        foreach (var option in value.EnumerateObject())
        {
            options[option.Name] = JsonNode.Parse(option.Value.GetRawText());
        }

        var values = OptionOverrides.Parse(options, out var optionErrors);
        foreach (var (key, messages) in optionErrors)
        {
            errors[key] = messages;
        }

        if (optionErrors.Count > 0)
        {
            return;
        }

        var json = values.Count == 0 ? null : OptionOverrides.ToJson(values).ToJsonString();
        if (json is { Length: > MaxOptionsJsonLength })
        {
            errors["options"] = [$"options are too large (at most {MaxOptionsJsonLength} characters of JSON)."];
            return;
        }

        target.OptionsJson = json;
    }

    private static bool ReadString(JsonElement value, string name, Dictionary<string, string[]> errors, out string result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                result = value.GetString()!;
                return true;
            case JsonValueKind.Null:
                result = "";
                return true;
            default:
                errors[name] = [$"{name} must be a string."];
                result = "";
                return false;
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "…";
}
