using System.Net;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Text to vectors with the house embedding model (<c>miku-embed</c>, purpose <c>embedding</c>) through Ollama's
/// <c>/api/embed</c>, a batch at a time. Knowledge still works without it (the model is optional): when the catalog has no
/// embedding model or Ollama does not serve it, <see cref="TryEmbedAsync"/> answers null and retrieval is full-text only.
/// </summary>
public sealed partial class KnowledgeEmbedder(HouseModelCatalog catalog, OllamaModelClient ollama, ILogger<KnowledgeEmbedder> logger)
{
    // Inputs per /api/embed call: Ollama embeds a batch in one forward pass; larger batches only add latency per call.
    private const int BatchSize = 32;

    /// <summary>The embedding model vectors are made with, or null when the catalog has none.</summary>
    public string? ModelName { get; } = catalog.Models.FirstOrDefault(m => m.Purpose == ModelPurpose.Embedding)?.Name;

    /// <summary>One unit-length vector per text, in order.</summary>
    /// <exception cref="KnowledgeEmbeddingUnavailableException">No embedding model in the catalog, or Ollama does not serve it.</exception>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct) =>
        await TryEmbedAsync(texts, ct).ConfigureAwait(false)
        ?? throw new KnowledgeEmbeddingUnavailableException($"No embedding model is available ({ModelName ?? "none in modelfiles/"}).");

    /// <summary>One unit-length vector per text, in order; null when no embedding model is available (retrieval then uses full text only).</summary>
    public async Task<float[][]?> TryEmbedAsync(IReadOnlyList<string> texts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (ModelName is null)
        {
            return null;
        }

        var vectors = new List<float[]>(texts.Count);
        try
        {
            for (var start = 0; start < texts.Count; start += BatchSize)
            {
                var batch = texts.Skip(start).Take(BatchSize).ToList();
                var answer = await ollama.EmbedAsync(ModelName, batch, truncate: true, cancellationToken: ct).ConfigureAwait(false);
                if (answer.Embeddings.Count != batch.Count)
                {
                    throw new OllamaApiException($"Ollama answered {answer.Embeddings.Count} embeddings for {batch.Count} inputs.", HttpStatusCode.BadGateway);
                }

                vectors.AddRange(answer.Embeddings);
            }
        }
        catch (OllamaApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented)
        {
            // Not pulled, or not an embedding model: full text still answers. Re-index once the model is there.
            LogNoEmbeddings(logger, ModelName, (int?)ex.StatusCode);
            return null;
        }

        return [.. vectors];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge search is full-text only: Ollama does not serve the embedding model {Model} (HTTP {Status}).")]
    private static partial void LogNoEmbeddings(ILogger logger, string model, int? status);
}
