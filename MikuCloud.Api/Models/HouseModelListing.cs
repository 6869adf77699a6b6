using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// The house models as <c>GET /api/models</c> and the admin's list show them: purpose, titles, presets, whether on,
/// readiness, size, capabilities and whether loaded, from the catalog, the switches and Ollama (through the brief
/// cache of <see cref="OllamaRuntimeProbe"/>).
/// </summary>
public sealed class HouseModelListing(HouseModelCatalog catalog, HouseModelSwitches switches, ChatModelChoice choice,
    OllamaRuntimeProbe probe, HouseModelProvisioning provisioning)
{
    /// <summary>The models that are on (with <paramref name="includeOff"/>, every model), the default first.</summary>
    public async Task<IReadOnlyList<HouseModelDto>> ListAsync(bool includeOff, CancellationToken cancellationToken)
    {
        var enabled = await switches.EnabledAsync(cancellationToken);
        var snapshot = await probe.SnapshotAsync(cancellationToken);
        var list = new List<HouseModelDto>();
        foreach (var model in catalog.Models.OrderByDescending(m => m == choice.Default))
        {
            var on = enabled.Contains(model);
            if (on || includeOff)
            {
                list.Add(await ToDtoAsync(model, on, snapshot, cancellationToken));
            }
        }

        return list;
    }

    private async Task<HouseModelDto> ToDtoAsync(HouseModel model, bool on, OllamaRuntimeSnapshot snapshot, CancellationToken cancellationToken)
    {
        var name = choice.OllamaName(model);
        var key = ModelName.Normalize(name);
        var disk = snapshot.OnDisk.GetValueOrDefault(key);
        var (status, detail) = (on, snapshot.Reachable, disk, provisioning.IsRunning(name)) switch
        {
            (_, _, _, true) => (ModelStatus.Provisioning, $"{name} is being downloaded or created."),
            (false, _, _, _) => (ModelStatus.Disabled, $"{name} is an optional model that is off."),
            (_, false, _, _) => (ModelStatus.Unavailable, "Ollama is unreachable."),
            (_, _, null, _) => (ModelStatus.Missing, $"Ollama has no {name} yet."),
            _ => (ModelStatus.Ready, (string?)null),
        };
        var facts = disk is not null && snapshot.Reachable ? await probe.FactsAsync(name, cancellationToken) : null;
        var loaded = snapshot.Loaded.GetValueOrDefault(key);
        return new HouseModelDto(name, model.From, model.ContextLength, status, detail,
            Purpose(model.Purpose), model == choice.Default, model.IsOptional, on, model.Titles, model.Descriptions,
            facts is null ? null : new ModelCapabilitiesDto(facts.Has("completion"), facts.Has("vision"), facts.Has("tools"), facts.Has("embedding"), facts.TrainedContextLength),
            disk?.Size,
            loaded is null ? null : new LoadedModelDto(loaded.Size, loaded.SizeVram, loaded.ExpiresAt, loaded.ContextLength),
            [.. ModelPresets.For(catalog, model).Select(p => p.Id)],
            provisioning.ProgressOf(name));
    }

    private static string Purpose(ModelPurpose purpose) => purpose switch
    {
        ModelPurpose.Text => ModelPurposes.Text,
        ModelPurpose.Embedding => ModelPurposes.Embedding,
        _ => ModelPurposes.Vision,
    };
}
