using System.Text.Json;
using MikuCloud.Api.Data;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Applies <c>model</c> from a create or patch body (after <see cref="ConversationFields"/>): a chat model that is on
/// (null: the default), stored as null for the default. The preset follows the model: a <c>presetId</c> in the same body
/// must be one of the model's presets, and a preset left from another model gives way to the new model's default.
/// </summary>
public static class ConversationModelField
{
    /// <summary>Applies the field when present and keeps the preset consistent with the model; throws the 400 problems.</summary>
    public static async Task ApplyAsync(JsonElement body, Conversation target, ChatModelChoice choice, HouseModelCatalog catalog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(catalog);
        var presetNamed = false;
        HouseModel? model = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name.ToLowerInvariant())
            {
                case "presetid":
                    presetNamed = property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString());
                    break;
                case "model":
                    model = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => choice.Default,
                        JsonValueKind.String => await choice.ResolveAsync(property.Value.GetString(), cancellationToken),
                        _ => throw ApiProblem.Invalid("model", "model must be a string (a name from GET /api/models) or null for the default model."),
                    };
                    target.Model = model == choice.Default ? null : model.Name;
                    break;
            }
        }

        model ??= catalog.FindModel(target.Model ?? "") ?? choice.Default;
        var preset = catalog.FindPreset(target.PresetId) ?? catalog.DefaultPreset;
        target.PresetId = choice.PresetFor(model, preset, presetNamed).Id;
    }
}
