namespace MikuCloud.Bench.Routing;

/// <summary>
/// One API process: sends each turn where its routing policy says, retries an attempt that failed before streaming
/// (on another replica where the policy can avoid the failed one), and probes every replica's health on a timer
/// (the router's <c>/api/version</c> poll). It sees only its own traffic, as a real API pod does.
/// </summary>
public sealed class SimulatedApiProcess(int index, IRoutingPolicy policy, IReadOnlyList<SimulatedReplica> replicas, ServingModel model, SimulationLoop loop, WaitingTurns waiting)
{
    /// <summary>Attempts per turn before the user sees an error: the first and two retries.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Back-off before a retry, times the attempt number.</summary>
    public const double RetryBackoffSeconds = 0.25;

    /// <summary>How often each process probes each replica.</summary>
    public const double ProbeIntervalSeconds = 5;

    private readonly Dictionary<SimulatedTurn, TurnInFlight> inFlight = [];

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
        waiting.Retry((process, flight) => process.TryRoute(flight));
    }

    internal void OnCut(ReplicaCall call)
    {
        call.Lease.Release();
        Policy.MarkFailed(call.Lease.Replica);
        Finish(call.Turn, TurnOutcome.Cut);
        waiting.Retry((process, flight) => process.TryRoute(flight));
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

        waiting.Retry((process, flight) => process.TryRoute(flight));
    }

    private void Route(TurnInFlight flight)
    {
        if (!TryRoute(flight))
        {
            waiting.Add(this, flight);
        }
    }

    /// <summary>Sends the turn's next attempt where the policy says; false when the policy has no free replica.</summary>
    public bool TryRoute(TurnInFlight flight)
    {
        if (Policy.Route(ConversationKey(flight.Turn.Conversation), flight.Tried) is not { } lease)
        {
            return false;
        }

        flight.Turn.Attempts++;
        var call = new ReplicaCall(flight.Turn, this, lease);
        loop.After(model.NetworkSeconds, () => replicas[lease.Replica].Accept(call));
        return true;
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

        waiting.Retry((process, flight) => process.TryRoute(flight));
        loop.After(ProbeIntervalSeconds, Probe);
    }

    /// <summary>The affinity key the API would use: the conversation's id.</summary>
    public static string ConversationKey(int conversation) => $"conversation-{conversation}";
}
