namespace MikuCloud.Bench.Routing;

/// <summary>
/// Ollama's prompt cache: each of the <c>OLLAMA_NUM_PARALLEL</c> slots keeps the KV of the last sequence it ran, and a
/// new prompt takes a free slot, reusing what it shares with the prompt. So a replica holds at most one conversation
/// per slot, and a conversation keeps its prefix only while no other turn has taken its slot.
/// </summary>
/// <remarks>
/// Ollama picks the free slot with the longest common prefix (its own conversation's, if free); a new conversation
/// here takes the least recently used free slot, which is kinder than Ollama's first-found: an upper bound.
/// </remarks>
public sealed class SlotPrefixCache(int slots) : IPrefixCache
{
    private readonly Slot[] held = [.. Enumerable.Range(0, slots).Select(_ => new Slot())];
    private long uses;

    public int Begin(int conversation)
    {
        var free = held.Where(s => !s.Busy).ToList();
        var own = free.FirstOrDefault(s => s.Conversation == conversation);
        var slot = own ?? free.MinBy(s => s.LastUsed)
            ?? throw new InvalidOperationException("a turn began with every slot busy: the replica grants no more turns than it has slots");
        var cached = own?.Tokens ?? 0;
        (slot.Busy, slot.Conversation, slot.Tokens) = (true, conversation, cached);
        return cached;
    }

    public void Hold(int conversation, int tokens)
    {
        if (Running(conversation) is { } slot)
        {
            slot.Tokens = tokens;
        }
    }

    public void End(int conversation)
    {
        if (Running(conversation) is { } slot)
        {
            (slot.Busy, slot.LastUsed) = (false, ++uses);
        }
    }

    public void Clear()
    {
        foreach (var slot in held)
        {
            (slot.Busy, slot.Conversation, slot.Tokens, slot.LastUsed) = (false, -1, 0, 0);
        }
    }

    private Slot? Running(int conversation) => held.FirstOrDefault(s => s.Busy && s.Conversation == conversation);

    private sealed class Slot
    {
        public bool Busy { get; set; }

        public int Conversation { get; set; } = -1;

        public int Tokens { get; set; }

        public long LastUsed { get; set; }
    }
}
