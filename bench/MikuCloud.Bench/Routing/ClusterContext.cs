namespace MikuCloud.Bench.Routing;

/// <summary>What a routing policy may be built from in one run: the scenario, the clock, the Service and a seed for its own randomness.</summary>
public sealed record ClusterContext(ClusterScenario Scenario, SimulationLoop Loop, SimulatedTime Time, ServiceEndpoints Service)
{
    /// <summary>A random stream for the policy of <paramref name="process"/>, the same in every run with this seed.</summary>
    public Random RandomFor(int process) => new(Seeds.Derive(Scenario.Seed, Seeds.PolicyStream, process));
}
