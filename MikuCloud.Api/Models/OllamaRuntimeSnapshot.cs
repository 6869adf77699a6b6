using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>What Ollama had at one moment: models on disk (<c>/api/tags</c>) and in memory (<c>/api/ps</c>), by normalised name.</summary>
/// <param name="Reachable">False when Ollama did not answer (every model is then <c>unavailable</c>).</param>
/// <param name="OnDisk">The models Ollama has, by normalised name.</param>
/// <param name="Loaded">The models in memory now, by normalised name.</param>
public sealed record OllamaRuntimeSnapshot(bool Reachable, IReadOnlyDictionary<string, OllamaModelEntry> OnDisk,
    IReadOnlyDictionary<string, OllamaLoadedModel> Loaded)
{
    /// <summary>Ollama could not be reached.</summary>
    public static OllamaRuntimeSnapshot Unreachable { get; } = new(false, new Dictionary<string, OllamaModelEntry>(), new Dictionary<string, OllamaLoadedModel>());
}
