using System.Text.Json.Serialization;

namespace MikuCloud.Api.OpenAi;

/// <summary>OpenAI's answer to <c>POST /v1/embeddings</c>: one <see cref="EmbeddingObject"/> per input, in order.</summary>
public sealed record EmbeddingList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingObject> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingUsage Usage);

/// <summary>
/// One vector: <c>embedding</c> is an array of numbers, or with <c>encoding_format: base64</c> the little-endian
/// float32 bytes in base64 (what the OpenAI SDKs ask for and decode).
/// </summary>
public sealed record EmbeddingObject(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding);

/// <summary>The input tokens the embedding model read (Ollama's count); embeddings have no output tokens.</summary>
public sealed record EmbeddingUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);
