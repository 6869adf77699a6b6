namespace MikuCloud.Bench.Routing;

/// <summary>
/// One API process: sends each turn where its routing policy says, retries an attempt that failed before streaming
/// (on another replica where the policy can avoid the failed one), and probes every replica's health on a timer
/// (the router's <c>/api/version</c> poll). It sees only its own traffic, as a real API pod does.
/// </summary>
public sealed class SimulatedApiProcess(int index, IRoutingPolicy policy, IReadOnlyList<SimulatedReplica> replicas, ServingModel model, SimulationLoop loop)
{
    /// <summary>Attempts per turn before the user sees an error: the first and two retries.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Back-off before a retry, times the attempt number.</summary>
    public const double RetryBackoffSeconds = 0.25;

    /// <summary>How often each process probes each replica.</summary>
    public const double ProbeIntervalSeconds = 5;

    private readonly Dictionary<SimulatedTurn, TurnInFlight> inFlight = [];
    private readonly Queue<TurnInFlight> waitingForRoute = new();

    public int Index { get; } = index;

    public IRoutingPolicy Policy { get; } = policy;

    /// <summary>Starts the health probes (staggered between processes).</summary>
    public void StartProbes(int processes) => loop.After(ProbeIntervalSeconds * Index / processes, Probe);

    /// <summary>A user's question arrives; <paramref name="done"/> runs when it is answered, lost or cut.</summary>
    public void Send(SimulatedTurn turn, Action<SimulatedTurn> done)
    {
        var flight = new TurnInFlight(turn, done);
        inFlight[turn] = flight;
        Route(flight);
    }

    internal void OnFirstToken(ReplicaCall call)
    {
        call.Turn.FirstTokenAt = loop.Now + model.NetworkSeconds;
        Policy.MarkHealthy(call.Lease.Replica);
    }

    internal void OnEnded(ReplicaCall call)
    {
        call.Lease.Release();
        call.Turn.EndedAt = loop.Now + model.NetworkSeconds;
        Finish(call.Turn, TurnOutcome.Answered);
        RouteWaiting();
    }

    internal void OnCut(ReplicaCall call)
    {
        call.Lease.Release();
        Policy.MarkFailed(call.Lease.Replica);
        Finish(call.Turn, TurnOutcome.Cut);
        RouteWaiting();
    }

    internal void OnFailed(ReplicaCall call)
    {
        call.Lease.Release();
        Policy.MarkFailed(call.Lease.Replica);
        var flight = inFlight[call.Turn];
        call.Turn.FailedAttempts++;
        flight.Tried.Add(call.Lease.Replica);
        if (call.Turn.Attempts >= MaxAttempts)
        {
            Finish(call.Turn, TurnOutcome.Lost);
        }
        else
        {
            loop.After(RetryBackoffSeconds * call.Turn.Attempts, () => Route(flight));
        }

        RouteWaiting();
    }

    private void Route(TurnInFlight flight)
    {
        var lease = Policy.Route(ConversationKey(flight.Turn.Conversation), flight.Tried);
        if (lease is null)
        {
            waitingForRoute.Enqueue(flight);
            return;
        }

        flight.Turn.Attempts++;
        var call = new ReplicaCall(flight.Turn, this, lease);
        loop.After(model.NetworkSeconds, () => replicas[lease.Replica].Accept(call));
    }

    private void RouteWaiting()
    {
        var count = waitingForRoute.Count;
        for (var i = 0; i < count && waitingForRoute.TryDequeue(out var flight); i++)
        {
            Route(flight);
        }
    }

    private void Finish(SimulatedTurn turn, TurnOutcome outcome)
    {
        turn.Outcome = outcome;
        if (inFlight.Remove(turn, out var flight))
        {
            flight.Done(turn);
        }
    }

    private void Probe()
    {
        foreach (var replica in replicas)
        {
            if (replica.Alive)
            {
                Policy.MarkHealthy(replica.Index);
            }
            else
            {
                Policy.MarkFailed(replica.Index);
            }
        }

        RouteWaiting();
        loop.After(ProbeIntervalSeconds, Probe);
    }

    /// <summary>The affinity key the API would use: the conversation's id.</summary>
    public static string ConversationKey(int conversation) => $"conversation-{conversation}";

    private sealed record TurnInFlight(SimulatedTurn Turn, Action<SimulatedTurn> Done)
    {
        public HashSet<int> Tried { get; } = [];
    }
}
