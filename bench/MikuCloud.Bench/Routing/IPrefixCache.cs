namespace MikuCloud.Bench.Routing;

/// <summary>What a replica keeps of the conversations it answered, as the replica model uses it over a turn.</summary>
public interface IPrefixCache
{
    /// <summary>A turn of <paramref name="conversation"/> takes a slot: the tokens of its prefix found cached (the rest is prefilled).</summary>
    int Begin(int conversation);

    /// <summary>The replica now holds <paramref name="tokens"/> of the conversation (its prompt after prefill; prompt and answer at the end).</summary>
    void Hold(int conversation, int tokens);

    /// <summary>The turn left its slot.</summary>
    void End(int conversation);

    /// <summary>Forgets everything (the replica's process died).</summary>
    void Clear();
}
