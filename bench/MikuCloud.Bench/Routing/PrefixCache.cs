namespace MikuCloud.Bench.Routing;

/// <summary>
/// One replica's KV prefix cache: for each conversation, how many tokens of its prompt prefix the replica still holds;
/// bounded by a token budget, least recently used out first. A turn whose conversation is here prefills only the
/// tokens after the cached prefix.
/// </summary>
/// <remarks>
/// Ollama keeps the KV of each of its <c>OLLAMA_NUM_PARALLEL</c> slots and reuses the slot whose contents share the
/// longest prefix with a new prompt; an LRU over the same number of tokens is the paged prefix cache of vLLM and
/// SGLang. Both lose a conversation's prefix when other conversations need the memory; the LRU is the kinder of the two.
/// </remarks>
public sealed class PrefixCache(int capacityTokens) : IPrefixCache
{
    private readonly LinkedList<(int Conversation, int Tokens)> recency = new();
    private readonly Dictionary<int, LinkedListNode<(int Conversation, int Tokens)>> entries = [];

    /// <summary>Tokens held now.</summary>
    public int Tokens { get; private set; }

    /// <summary>Conversations held now.</summary>
    public int Count => entries.Count;

    /// <summary>The tokens of <paramref name="conversation"/>'s prefix held here (0 when none); a hit counts as a use.</summary>
    public int Lookup(int conversation)
    {
        if (!entries.TryGetValue(conversation, out var node))
        {
            return 0;
        }

        recency.Remove(node);
        recency.AddFirst(node);
        return node.Value.Tokens;
    }

    /// <summary>Records that the replica now holds <paramref name="tokens"/> of the conversation, and evicts the least recently used beyond the budget.</summary>
    public void Store(int conversation, int tokens)
    {
        if (entries.Remove(conversation, out var old))
        {
            recency.Remove(old);
            Tokens -= old.Value.Tokens;
        }

        if (tokens > capacityTokens)
        {
            return;
        }

        entries[conversation] = recency.AddFirst((conversation, tokens));
        Tokens += tokens;
        while (Tokens > capacityTokens && recency.Last is { } oldest)
        {
            recency.RemoveLast();
            entries.Remove(oldest.Value.Conversation);
            Tokens -= oldest.Value.Tokens;
        }
    }

    int IPrefixCache.Begin(int conversation) => Lookup(conversation);

    void IPrefixCache.Hold(int conversation, int tokens) => Store(conversation, tokens);

    void IPrefixCache.End(int conversation)
    {
        // The prefix stays until the budget needs its tokens.
    }

    /// <summary>Forgets everything (the replica's process died).</summary>
    public void Clear()
    {
        recency.Clear();
        entries.Clear();
        Tokens = 0;
    }
}
