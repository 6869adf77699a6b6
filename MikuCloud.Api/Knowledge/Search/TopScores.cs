namespace MikuCloud.Api.Knowledge;

/// <summary>The <c>capacity</c> highest-scoring ids seen so far (a min-heap: each offer costs O(log capacity) at most).</summary>
internal sealed class TopScores(int capacity)
{
    private readonly PriorityQueue<long, float> heap = new(capacity + 1);

    public void Offer(long id, float score)
    {
        if (heap.Count < capacity)
        {
            heap.Enqueue(id, score);
        }
        else if (capacity > 0 && heap.TryPeek(out _, out var lowest) && score > lowest)
        {
            heap.EnqueueDequeue(id, score);
        }
    }

    /// <summary>The ids, best first.</summary>
    public IReadOnlyList<long> Ranked()
    {
        var items = new List<(long Id, float Score)>(heap.Count);
        while (heap.TryDequeue(out var id, out var score))
        {
            items.Add((id, score));
        }

        items.Reverse();
        return [.. items.Select(x => x.Id)];
    }
}
