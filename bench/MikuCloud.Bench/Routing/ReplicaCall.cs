namespace MikuCloud.Bench.Routing;

/// <summary>One attempt of a turn at one replica: from the API process's request to the answer's end.</summary>
public sealed class ReplicaCall(SimulatedTurn turn, SimulatedApiProcess from, RouteLease lease)
{
    public SimulatedTurn Turn { get; } = turn;

    public SimulatedApiProcess From { get; } = from;

    /// <summary>What the API process's router handed out for this attempt; released when the attempt ends, however.</summary>
    public RouteLease Lease { get; } = lease;

    public ReplicaCallState State { get; set; }
}
