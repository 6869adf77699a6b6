namespace MikuCloud.Bench.Routing;

/// <summary>What one simulated run recorded: every turn, the replicas' busy slots over time, the killed replica's return.</summary>
/// <param name="Policy">The policy's name in the report.</param>
/// <param name="Scenario">The run's set-up (with the policy's API process count).</param>
/// <param name="Turns">Every question sent, in the order sent (retries are turns of their own).</param>
/// <param name="Samples">Busy slot-seconds per replica, every <see cref="ClusterScenario.SampleEverySeconds"/>.</param>
/// <param name="KilledReplica">The replica killed (null: none).</param>
/// <param name="RestartedAt">When it was back up.</param>
/// <param name="BackInUseAt">When it then started a turn again (null: it was not used again).</param>
/// <param name="Events">Events the simulation ran.</param>
/// <param name="WallMilliseconds">Real time the run took.</param>
public sealed record SimulationRun(
    string Policy,
    ClusterScenario Scenario,
    IReadOnlyList<SimulatedTurn> Turns,
    IReadOnlyList<BusySample> Samples,
    int? KilledReplica,
    double? RestartedAt,
    double? BackInUseAt,
    long Events,
    double WallMilliseconds)
{
    /// <summary>The sample taken at <paramref name="at"/> (or the last before it).</summary>
    public BusySample SampleAt(double at) => Samples.LastOrDefault(s => s.At <= at + 1e-9) ?? Samples[0];
}
