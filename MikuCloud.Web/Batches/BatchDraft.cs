using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Web.Api;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Batches;

/// <summary>The new-batch form's values and their checks (the prompt, a preset, an optional JSON schema).</summary>
public sealed class BatchDraft
{
    /// <summary>Longest prompt the form takes; the API's chat limit.</summary>
    public const int MaxPromptLength = 100_000;

    public string Prompt { get; set; } = "";

    public string? PresetId { get; set; }

    /// <summary>The JSON schema as typed; empty for free-text answers.</summary>
    public string Schema { get; set; } = "";

    /// <summary>Why the prompt cannot be sent, or null.</summary>
    public string? PromptError(UiText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrWhiteSpace(Prompt) ? text["batches.prompt.required"] : null;
    }

    /// <summary>
    /// Why the schema cannot be sent (not JSON, with where it went wrong; or JSON but not an object), or null when it
    /// is empty or fine. Checked here so a typo is explained next to the field rather than refused by the API later.
    /// </summary>
    public string? SchemaError(UiText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(Schema))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(Schema) is JsonObject ? null : text["batches.schema.notObject"];
        }
        catch (JsonException e)
        {
            // JsonException counts lines and columns from zero.
            return text.Format("batches.schema.invalid", (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1);
        }
    }

    /// <summary>The request for a valid draft: the schema sent compact.</summary>
    public NewBatchRequest ToRequest() => new(Prompt.Trim(), PresetId,
        string.IsNullOrWhiteSpace(Schema) ? null : JsonNode.Parse(Schema)!.ToJsonString());
}
