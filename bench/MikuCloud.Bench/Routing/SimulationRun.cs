namespace MikuCloud.Bench.Routing;

/// <summary>What one simulated run recorded: every turn, the replicas' busy-slot integrals, the killed replica's return.</summary>
/// <param name="Policy">The policy's name in the report.</param>
/// <param name="Scenario">The run's set-up.</param>
/// <param name="Turns">Every question sent, in the order sent (retries are turns of their own).</param>
/// <param name="BusyAtWarmup">Each replica's busy slot-seconds at the end of the warm-up.</param>
/// <param name="BusyAtSteadyEnd">The same at the end of the steady window (the kill, or the end).</param>
/// <param name="RestartedAt">When the killed replica was back up.</param>
/// <param name="BackInUseAt">When it then started a turn again (null: it was not used again).</param>
/// <param name="Events">Events the simulation ran.</param>
/// <param name="WallMilliseconds">Real time the run took.</param>
public sealed record SimulationRun(
    string Policy,
    ClusterScenario Scenario,
    IReadOnlyList<SimulatedTurn> Turns,
    IReadOnlyList<double> BusyAtWarmup,
    IReadOnlyList<double> BusyAtSteadyEnd,
    double? RestartedAt,
    double? BackInUseAt,
    long Events,
    double WallMilliseconds);
