namespace MikuCloud.Bench.Routing;

/// <summary>
/// What one simulated Ollama replica can do. The numbers are orders of magnitude for Qwen3-VL-8B at q4_K_M on one
/// 24 GB data-centre GPU (L4 / A10 class), assumed rather than measured here; what the comparison between routing
/// policies depends on is their ratio: re-prefilling a conversation with pictures costs seconds, a cached one
/// milliseconds, and a slot answers for several seconds.
/// </summary>
public sealed record ServingModel
{
    /// <summary>
    /// <c>OLLAMA_NUM_PARALLEL</c>: sequences generated at once. Four 16,384-token contexts with a q8_0 KV cache
    /// (36 layers × 8 KV heads × 128 × 2 ≈ 72 KB a token) take ~4.7 GB next to ~6 GB of weights.
    /// </summary>
    public int Slots { get; init; } = 4;

    /// <summary>
    /// Prompt tokens prefilled per second. Prefill is compute-bound and fills the GPU, so a replica prefills one
    /// prompt at a time (others queue behind it); llama.cpp's prompt processing for an 8B q4 model is a few thousand
    /// tokens a second on this class of GPU.
    /// </summary>
    public double PrefillTokensPerSecond { get; init; } = 2_500;

    /// <summary>Answer tokens per second per slot (decode is memory-bound; a batch of four shares the bandwidth).</summary>
    public double DecodeTokensPerSecond { get; init; } = 40;

    /// <summary>
    /// Tokens of conversation prefixes the replica keeps for reuse: Ollama keeps each slot's KV, so the KV memory of
    /// the slots, 4 × 16,384 (<c>num_ctx</c> of the house Modelfile).
    /// </summary>
    public int CacheTokens { get; init; } = 4 * 16_384;

    /// <summary>How the cache is organised: an LRU over <see cref="CacheTokens"/>, or Ollama's one conversation per slot.</summary>
    public PrefixCacheModel PrefixCache { get; init; } = PrefixCacheModel.Lru;

    /// <summary>A picture in the prompt: 972 visual tokens for a 12 MP photo after the API's resize (BENCHMARKS.md item 3).</summary>
    public int PictureTokens { get; init; } = 1_000;

    /// <summary>Per turn before prefill (request, template, sampler set-up), taken on the prefill queue too.</summary>
    public double TurnOverheadSeconds { get; init; } = 0.030;

    /// <summary>A killed replica's container restarts and loads the model from its volume (the startup probe) in about this long.</summary>
    public double RestartSeconds { get; init; } = 30;

    /// <summary>Refused connection to a dead replica: the API hears of it at once.</summary>
    public double RefusedAfterSeconds { get; init; } = 0.001;

    /// <summary>The API to Ollama hop, each way (same cluster network).</summary>
    public double NetworkSeconds { get; init; } = 0.0005;
}
