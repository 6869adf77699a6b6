namespace MikuCloud.Bench.Routing;

/// <summary>
/// Virtual time for the cluster simulation: events wait in a priority queue and run in time order, ties in the order
/// they were scheduled. Nothing sleeps and nothing reads the wall clock, so hours of traffic take seconds and a seed
/// gives the same run every time.
/// </summary>
public sealed class SimulationLoop
{
    private readonly PriorityQueue<Action, (double At, long Sequence)> events = new();
    private long sequence;

    /// <summary>Seconds since the start of the run.</summary>
    public double Now { get; private set; }

    /// <summary>Events run so far (the harness reports it, to show the simulation's own size).</summary>
    public long EventsRun { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="at"/> seconds (never in the past).</summary>
    public void At(double at, Action action) => events.Enqueue(action, (Math.Max(at, Now), sequence++));

    /// <summary>Runs <paramref name="action"/> <paramref name="delay"/> seconds from now.</summary>
    public void After(double delay, Action action) => At(Now + delay, action);

    /// <summary>Runs every event due up to <paramref name="end"/>, then sets the clock to it.</summary>
    public void RunUntil(double end)
    {
        while (events.TryPeek(out _, out var key) && key.At <= end)
        {
            var action = events.Dequeue();
            Now = key.At;
            EventsRun++;
            action();
        }

        Now = end;
    }
}
