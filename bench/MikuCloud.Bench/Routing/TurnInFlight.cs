namespace MikuCloud.Bench.Routing;

/// <summary>A turn an API process is working on: whom to tell when it is over, and the replicas its attempts failed on.</summary>
public sealed record TurnInFlight(SimulatedTurn Turn, Action<SimulatedTurn> Done)
{
    public HashSet<int> Tried { get; } = [];
}
