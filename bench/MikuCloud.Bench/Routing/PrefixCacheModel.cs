namespace MikuCloud.Bench.Routing;

/// <summary>Which prefix cache the simulated replicas have.</summary>
public enum PrefixCacheModel
{
    /// <summary><see cref="PrefixCache"/>: an LRU of conversation prefixes over the slots' KV memory (vLLM and SGLang style).</summary>
    Lru,

    /// <summary><see cref="SlotPrefixCache"/>: one conversation per slot, as Ollama's runner keeps it.</summary>
    OllamaSlots,
}
