namespace MikuCloud.Api.Ollama.Routing;

/// <summary>
/// Which replica holds each conversation, bounded: least recently used keys are forgotten first. Counts the keys per
/// replica (the router's tie-break). Not thread-safe: the router calls it under its lock.
/// </summary>
internal sealed class AffinityMap(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, Uri Replica)>> byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, Uri Replica)> recency = new();
    private readonly Dictionary<Uri, int> perReplica = [];

    /// <summary>Keys remembered.</summary>
    public int Count => byKey.Count;

    /// <summary>The replica holding <paramref name="key"/>, if remembered (does not refresh its recency).</summary>
    public Uri? Find(string key) => byKey.TryGetValue(key, out var node) ? node.Value.Replica : null;

    /// <summary>Keys held by <paramref name="replica"/>.</summary>
    public int CountFor(Uri replica) => perReplica.GetValueOrDefault(replica);

    /// <summary>Remembers <paramref name="key"/> on <paramref name="replica"/> as the most recent; forgets the oldest past capacity.</summary>
    public void Set(string key, Uri replica)
    {
        if (byKey.TryGetValue(key, out var node))
        {
            Adjust(node.Value.Replica, -1);
            recency.Remove(node);
            node.Value = (key, replica);
            recency.AddFirst(node);
        }
        else
        {
            byKey[key] = recency.AddFirst((key, replica));
        }

        Adjust(replica, +1);
        while (byKey.Count > capacity && recency.Last is { } oldest)
        {
            recency.RemoveLast();
            byKey.Remove(oldest.Value.Key);
            Adjust(oldest.Value.Replica, -1);
        }
    }

    private void Adjust(Uri replica, int by)
    {
        var now = perReplica.GetValueOrDefault(replica) + by;
        if (now == 0)
        {
            perReplica.Remove(replica);
        }
        else
        {
            perReplica[replica] = now;
        }
    }
}
