namespace MikuCloud.Bench.Routing;

/// <summary>One simulated run's set-up: the cluster's shape, the traffic, how long, and when a replica dies.</summary>
public sealed record ClusterScenario
{
    public int Replicas { get; init; } = 8;

    public int ApiProcesses { get; init; } = 4;

    public int Seed { get; init; } = 20;

    public double DurationSeconds { get; init; } = 40 * 60;

    /// <summary>Turns sent before this are not measured (the caches and queues fill up first).</summary>
    public double WarmupSeconds { get; init; } = 5 * 60;

    /// <summary>
    /// When the busiest replica's process dies (the most turns in flight; ties: the lowest number); null for no
    /// failure. Steady-state figures stop here.
    /// </summary>
    public double? KillAtSeconds { get; init; } = 25 * 60;

    /// <summary>How often each replica's busy slots are sampled (for the time to recover).</summary>
    public double SampleEverySeconds { get; init; } = 5;

    public ServingModel Serving { get; init; } = new();

    public WorkloadModel Workload { get; init; } = new();

    /// <summary>The end of the steady-state window.</summary>
    public double SteadyEndSeconds => KillAtSeconds ?? DurationSeconds;
}
