namespace MikuCloud.Bench.Routing;

/// <summary>
/// Turns that found every replica full in their API process's view, in the order they began to wait, across all
/// processes: when any slot frees, the oldest get the first try (a fair queue; routers may share slot counts).
/// </summary>
public sealed class WaitingTurns
{
    private readonly LinkedList<(SimulatedApiProcess Process, TurnInFlight Turn)> waiting = new();

    public int Count => waiting.Count;

    public void Add(SimulatedApiProcess process, TurnInFlight turn) => waiting.AddLast((process, turn));

    /// <summary>Offers each waiting turn, oldest first, to its process; those it routes leave the queue.</summary>
    public void Retry(Func<SimulatedApiProcess, TurnInFlight, bool> tryRoute)
    {
        for (var node = waiting.First; node is not null;)
        {
            var next = node.Next;
            if (tryRoute(node.Value.Process, node.Value.Turn))
            {
                waiting.Remove(node);
            }

            node = next;
        }
    }
}
