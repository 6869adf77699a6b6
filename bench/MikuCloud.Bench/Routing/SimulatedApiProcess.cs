namespace MikuCloud.Bench.Routing;

/// <summary>
/// One API process: sends each turn where its routing policy says, retries once at once when the replica refuses
/// before streaming (on another replica where the policy can avoid the refusing one), and polls every replica's
/// health on a timer, as the API's <c>TurnRouting</c> and <c>ReplicaHealthPoller</c> do. It sees only its own
/// traffic, as a real API pod does.
/// </summary>
public sealed class SimulatedApiProcess(int index, IRoutingPolicy policy, IReadOnlyList<SimulatedReplica> replicas, ServingModel model, SimulationLoop loop, WaitingTurns waiting)
{
    /// <summary>Attempts per turn before the user sees an error: the first and one retry (<c>TurnRouting</c>).</summary>
    public const int MaxAttempts = 2;

    /// <summary>How often each process polls each replica (<c>Ollama:HealthPollSeconds</c>'s default).</summary>
    public static readonly double ProbeIntervalSeconds = new MikuCloud.Api.Ollama.OllamaReplicaOptions().HealthPollSeconds;

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
    }

    internal void OnEnded(ReplicaCall call)
    {
        call.Lease.Release();
        call.Turn.EndedAt = loop.Now + model.NetworkSeconds;
        Finish(call.Turn, TurnOutcome.Answered);
        waiting.Retry((process, flight) => process.TryRoute(flight));
    }

    /// <summary>The replica died mid-answer: the answer ends as interrupted, never retried (the user has read part of it).</summary>
    internal void OnCut(ReplicaCall call)
    {
        call.Lease.Release();
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
            Route(flight);
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
