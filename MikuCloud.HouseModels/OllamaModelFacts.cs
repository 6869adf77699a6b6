namespace MikuCloud.HouseModels;

/// <summary>What Ollama's <c>POST /api/show</c> says a model can do.</summary>
/// <param name="Capabilities">Ollama's <c>capabilities</c>: <c>completion</c>, <c>vision</c>, <c>tools</c>, <c>embedding</c>, <c>thinking</c>…</param>
/// <param name="TrainedContextLength">The architecture's context length (<c>model_info["&lt;arch&gt;.context_length"]</c>), when given.</param>
public sealed record OllamaModelFacts(IReadOnlyList<string> Capabilities, int? TrainedContextLength)
{
    /// <summary>Whether <see cref="Capabilities"/> names <paramref name="capability"/> (case-insensitive).</summary>
    public bool Has(string capability) => Capabilities.Contains(capability, StringComparer.OrdinalIgnoreCase);
}
