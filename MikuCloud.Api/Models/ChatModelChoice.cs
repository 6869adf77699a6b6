using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// The chat model a conversation or a turn asks for, checked once for every door: a house model that is on and is for
/// chat (400 <c>invalid_model</c> otherwise), with a preset that applies to it (400 <c>preset_not_for_model</c>), and
/// never images for a text-only model (400 <c>model_no_vision</c>).
/// </summary>
public sealed class ChatModelChoice(HouseModelCatalog catalog, HouseModelSwitches switches, OllamaEndpoint endpoint)
{
    /// <summary>The model a conversation without a choice uses (the connection string's, else the catalog's default).</summary>
    public HouseModel Default => catalog.FindModel(endpoint.Model) ?? catalog.DefaultModel;

    /// <summary>The name Ollama knows <paramref name="model"/> by (the default may be renamed by <c>ConnectionStrings:ollama</c>).</summary>
    public string OllamaName(HouseModel model) => model == Default ? endpoint.Model : model.Name;

    /// <summary>The chat model <paramref name="name"/> names (null or blank: the default), if it can chat now.</summary>
    public async Task<HouseModel> ResolveAsync(string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }

        var model = catalog.FindModel(name.Trim()) ?? (ModelName.AreSame(name.Trim(), endpoint.Model) ? Default : null);
        if (model is null)
        {
            throw Invalid($"Unknown model '{Requests.Echo.Cap(name)}'. GET /api/models lists the models.");
        }

        if (!model.IsChat)
        {
            throw Invalid($"{model.Name} is an embedding model: it cannot chat.");
        }

        if (!(await switches.EnabledAsync(cancellationToken)).Contains(model))
        {
            throw Invalid($"{model.Name} is turned off. An admin can turn it on on the Models page.");
        }

        return model;
    }

    /// <summary>
    /// The preset for a turn of <paramref name="model"/>: <paramref name="preset"/> when it applies; when it does not, a
    /// preset the caller named is refused, one left from another model gives way to the model's default.
    /// </summary>
    public Preset PresetFor(HouseModel model, Preset preset, bool named)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preset);
        if (ModelPresets.Applies(catalog, model, preset))
        {
            return preset;
        }

        return named
            ? throw new ApiProblem(400, ProblemCodes.PresetNotForModel,
                $"The preset '{preset.Id}' does not apply to {model.Name}. Its presets: {string.Join(", ", ModelPresets.For(catalog, model).Select(p => p.Id))}.",
                new Dictionary<string, string[]> { ["presetId"] = [$"Not a preset of {model.Name}."] })
            : ModelPresets.DefaultFor(catalog, model);
    }

    /// <summary>Refuses images for a text-only model, before anything is saved or sent.</summary>
    public static void CheckImages(HouseModel model, int imageCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Purpose == ModelPurpose.Text && imageCount > 0)
        {
            throw new ApiProblem(400, ProblemCodes.ModelNoVision,
                $"{model.Name} reads text only and cannot see images. Pick a vision model for this conversation, or send the text without the images.",
                new Dictionary<string, string[]> { ["images"] = [$"{model.Name} cannot see images."] })
            {
                Title = "This model cannot see images.",
            };
        }
    }

    private static ApiProblem Invalid(string detail) =>
        new(400, ProblemCodes.InvalidModel, detail, new Dictionary<string, string[]> { ["model"] = [detail] });
}
