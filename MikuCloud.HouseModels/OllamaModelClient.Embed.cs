using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.HouseModels;

/// <summary>Ollama's <c>POST /api/embed</c> answer.</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="Embeddings">One L2-normalised vector per input, in input order.</param>
/// <param name="PromptEvalCount">Input tokens, over all inputs.</param>
/// <param name="TotalDuration">Time Ollama spent, loading included.</param>
public sealed record OllamaEmbeddings(string Model, IReadOnlyList<float[]> Embeddings, long PromptEvalCount, TimeSpan TotalDuration);

/// <summary>Embeddings (Ollama's "Generate Embeddings").</summary>
public sealed partial class OllamaModelClient
{
    /// <summary>
    /// <c>POST /api/embed</c>: one vector per input. <paramref name="dimensions"/> shortens the vectors (models trained
    /// for it, such as Qwen3-Embedding); <paramref name="truncate"/> <c>false</c> makes an over-long input an error
    /// instead of being cut to the context.
    /// </summary>
    public async Task<OllamaEmbeddings> EmbedAsync(string model, IReadOnlyList<string> input, int? dimensions = null, bool? truncate = null,
        string? keepAlive = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(input);
        var body = new JsonObject
        {
            ["model"] = model,
            ["input"] = new JsonArray([.. input.Select(i => (JsonNode?)JsonValue.Create(i))]),
        };
        if (dimensions is { } d)
        {
            body["dimensions"] = d;
        }

        if (truncate is { } t)
        {
            body["truncate"] = t;
        }

        if (keepAlive is not null)
        {
            body["keep_alive"] = keepAlive;
        }

        using var response = await http.PostAsJsonAsync("api/embed", body, cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var vectors = (json["embeddings"] as JsonArray ?? [])
            .Select(v => (v as JsonArray ?? []).Select(x => x!.GetValue<float>()).ToArray())
            .ToList();
        return new OllamaEmbeddings(json["model"]?.GetValue<string>() ?? model, vectors,
            json["prompt_eval_count"]?.GetValue<long>() ?? 0,
            TimeSpan.FromTicks((json["total_duration"]?.GetValue<long>() ?? 0) / 100));
    }
}
