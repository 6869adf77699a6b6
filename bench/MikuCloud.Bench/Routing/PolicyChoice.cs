namespace MikuCloud.Bench.Routing;

/// <summary>A routing policy under comparison: how to build it, and whether the API processes share one instance.</summary>
/// <param name="Name">Its row in the report.</param>
/// <param name="Create">Builds the policy of one API process (called once when <paramref name="Shared"/>).</param>
/// <param name="Shared">One instance for all processes: what state shared through Redis would give (without its round trips).</param>
public sealed record PolicyChoice(string Name, Func<ClusterContext, int, IRoutingPolicy> Create, bool Shared = false)
{
    public static PolicyChoice RoundRobin { get; } = new("round-robin, per API process", (c, _) => new RoundRobinPolicy(c.Scenario.Replicas));

    public static PolicyChoice ClientIpAffinity { get; } = new("ClientIP affinity (today)", (c, p) => new ClientIpAffinityPolicy(c.Service, c.RandomFor(p)));
}
