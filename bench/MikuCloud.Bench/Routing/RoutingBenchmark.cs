namespace MikuCloud.Bench.Routing;

/// <summary>
/// Item 12 (issue 20): routing turns across Ollama replicas, simulated. The same users and conversations meet each
/// routing policy in a cluster of simulated replicas and API processes, in virtual time; the router under test is
/// the API's own <c>ReplicaRouter</c>. Then the router's own cost per turn at 8 and 100 replicas, measured for real,
/// in process and with its state in Redis (scale-out) side by side.
/// </summary>
public sealed partial class RoutingBenchmark(BenchOptions options, TextWriter log)
{
    /// <summary>The policies compared, in the tables' order.</summary>
    public static IReadOnlyList<PolicyChoice> Policies { get; } =
    [
        PolicyChoice.RoundRobin,
        PolicyChoice.ClientIpAffinity,
        PolicyChoice.ClientIpAffinityManyPods,
        PolicyChoice.RouterPerProcess,
        PolicyChoice.RouterSharedSlots,
        PolicyChoice.RouterSharedNoPatience,
        PolicyChoice.RouterShared,
        PolicyChoice.RouterSharedPatient,
        PolicyChoice.RouterSharedQueueing,
        PolicyChoice.RouterSharedOllamaCache,
    ];

    /// <summary>The row the issue's goals are checked on: the new routing with its state shared by the API processes (part 2).</summary>
    public static PolicyChoice NewRouting => PolicyChoice.RouterShared;

    /// <summary>The normal-load run this scale measures (a smoke run: a few minutes of a small cluster).</summary>
    public static ClusterScenario ScenarioFor(BenchScale scale) => scale switch
    {
        BenchScale.Smoke => new ClusterScenario
        {
            Replicas = 3, ApiProcesses = 2, DurationSeconds = 8 * 60, WarmupSeconds = 60, KillAtSeconds = 5 * 60,
            Workload = new WorkloadModel { Users = 40, IdleMeanSeconds = 30 },
        },
        _ => new ClusterScenario(),
    };

    /// <summary>The busy hour: 40 % more users on the same cluster (the slots ~90 % busy).</summary>
    public static ClusterScenario Busy(ClusterScenario normal) =>
        normal with { Workload = normal.Workload with { Users = normal.Workload.Users * 7 / 5 } };

    public async Task<Section> RunAsync()
    {
        var section = new Section("12. Routing across Ollama replicas: a simulated cluster of 8 replicas and 4 API processes");
        var scenario = ScenarioFor(options.Scale);
        var normal = RunAll(scenario, "normal");
        var busy = RunAll(Busy(scenario), "busy");
        var (conversations, turns) = options.Scale switch { BenchScale.Full => (100_000, 200_000), BenchScale.Quick => (100_000, 50_000), _ => (5_000, 2_000) };
        var costs = new[] { 8, 100 }.Select(r => RouterCost.Measure(r, scenario.Serving.Slots, conversations, turns)).ToList();
        foreach (var cost in costs)
        {
            log.WriteLine($"   router at {cost.Replicas} replicas: {cost.MicrosecondsPerTurn:0.0} µs and {cost.BytesPerTurn:0} B per turn, {cost.BytesPerConversation:0} B per conversation");
        }

        var scaleOut = await MeasureScaleOutAsync(scenario, conversations);
        Describe(section, scenario, normal, busy, costs, scaleOut);
        Check(section, [.. normal.Select(r => r.Metrics)], [.. busy.Select(r => r.Metrics)], costs);
        CheckScaleOut(section, scaleOut);
        return section;
    }

    private List<(RoutingMetrics Metrics, SimulationRun Run)> RunAll(ClusterScenario scenario, string load)
    {
        var results = new List<(RoutingMetrics, SimulationRun)>();
        foreach (var policy in Policies)
        {
            var run = ClusterSimulation.Run(scenario, policy);
            var m = RoutingMetrics.From(run);
            results.Add((m, run));
            log.WriteLine($"   {load}, {policy.Name}: {run.Turns.Count} turns, {run.Events} events in {run.WallMilliseconds:0} ms; TTFT ≥ 2 p50 {m.AfterFirst.P50:0} ms, " +
                          $"hits {m.HitRate:P1}, max/mean {m.Imbalance:0.00}, {m.TurnsPerMinute:0} turns/min, lost {m.Lost}, recovered {m.RecoverSeconds:0} s");
        }

        return results;
    }

    /// <summary>The issue's goals, checked on the shared router (<see cref="NewRouting"/>) at normal load; the kill on both loads.</summary>
    private void Check(Section section, List<RoutingMetrics> normal, List<RoutingMetrics> busy, List<RouterCost.Result> costs)
    {
        var smoke = options.Scale == BenchScale.Smoke;
        RoutingMetrics N(PolicyChoice p) => normal.Single(m => m.Policy == p.Name);
        RoutingMetrics B(PolicyChoice p) => busy.Single(m => m.Policy == p.Name);
        var (router, impatient, patient) = (N(NewRouting), N(PolicyChoice.RouterSharedNoPatience), N(PolicyChoice.RouterSharedPatient));
        var (today, todayManyPods) = (N(PolicyChoice.ClientIpAffinity), N(PolicyChoice.ClientIpAffinityManyPods));
        var (perProcess, ollama) = (N(PolicyChoice.RouterPerProcess), N(PolicyChoice.RouterSharedOllamaCache));
        var ratio = router.AfterFirst.P50 / today.AfterFirst.P50;
        const string Item = "12 routing (simulated)";
        section.Targets.Add(new TargetCheck(Item, "prefix-cache hit rate, turns ≥ 2, one shared ReplicaRouter (AffinityQueueSlots 1)", "≥ 90 %", Fmt.Percent(router.HitRate),
            smoke ? null : router.HitRate >= 0.9, $"without patience: {Fmt.Percent(impatient.HitRate)}; AffinityQueueSlots 2: {Fmt.Percent(patient.HitRate)}; " +
            $"one router per API process: {Fmt.Percent(perProcess.HitRate)}; shared, on Ollama's per-slot cache: {Fmt.Percent(ollama.HitRate)}"));
        section.Targets.Add(new TargetCheck(Item, "TTFT p50, turns ≥ 2, ÷ ClientIP affinity's", "≤ 0.5", Fmt.Ratio(ratio),
            smoke ? null : ratio <= 0.5, $"{Fmt.Ms(router.AfterFirst.P50)} vs {Fmt.Ms(today.AfterFirst.P50)}; vs ClientIP with 16 API processes: {Fmt.Ms(todayManyPods.AfterFirst.P50)}"));
        section.Targets.Add(new TargetCheck(Item, "replica load, max ÷ mean busy slots (time-averaged)", "≤ 1.25", Fmt.N(router.Imbalance, "0.00"),
            smoke ? null : router.Imbalance <= 1.25, $"ClientIP affinity: {Fmt.N(today.Imbalance, "0.00")}"));
        // Every ReplicaRouter row, both loads: whether a question was in flight on the killed replica depends on the moment.
        var routerRuns = normal.Concat(busy).Where(m => m.Policy.StartsWith("ReplicaRouter", StringComparison.Ordinal)).ToList();
        section.Targets.Add(new TargetCheck(Item, "a replica killed mid-run: questions lost before streaming, all ReplicaRouter runs", "0",
            routerRuns.Sum(m => m.Lost).ToString(Culture), routerRuns.Sum(m => m.Lost) == 0,
            $"{routerRuns.Sum(m => m.FailedOver)} failed over in {routerRuns.Count} runs, {routerRuns.Sum(m => m.Cut)} cut mid-answer; ClientIP affinity lost {today.Lost} / {B(PolicyChoice.ClientIpAffinity).Lost} (normal / busy)"));
        // What patience costs, and what the busy hour would need: no goal of the issue, the price of the one above.
        section.Targets.Add(new TargetCheck(Item, "TTFT p99, turns ≥ 2: AffinityQueueSlots 1 / without patience", "—",
            $"{Seconds(router.AfterFirst.P99)} / {Seconds(impatient.AfterFirst.P99)}", null, $"turn 1: {Seconds(router.FirstTurn.P99)} / {Seconds(impatient.FirstTurn.P99)}"));
        var (busyRouter, busyImpatient, busyPatient) = (B(NewRouting), B(PolicyChoice.RouterSharedNoPatience), B(PolicyChoice.RouterSharedPatient));
        section.Targets.Add(new TargetCheck(Item, "busy hour: hit rate, turns ≥ 2, AffinityQueueSlots 0 / 1 / 2", "—",
            $"{Fmt.Percent(busyImpatient.HitRate)} / {Fmt.Percent(busyRouter.HitRate)} / {Fmt.Percent(busyPatient.HitRate)}", null,
            $"TTFT p50 {Fmt.Ms(busyImpatient.AfterFirst.P50)} / {Fmt.Ms(busyRouter.AfterFirst.P50)} / {Fmt.Ms(busyPatient.AfterFirst.P50)}, " +
            $"p99 {Seconds(busyImpatient.AfterFirst.P99)} / {Seconds(busyRouter.AfterFirst.P99)} / {Seconds(busyPatient.AfterFirst.P99)}"));
        section.Targets.Add(new TargetCheck(Item, "router cost per turn (route + release), 8 / 100 replicas", "—",
            $"{Fmt.Us(costs[0].MicrosecondsPerTurn)} / {Fmt.Us(costs[^1].MicrosecondsPerTurn)}", null, $"{Fmt.Bytes(costs[^1].BytesPerConversation)} of affinity map per conversation"));
        if (!smoke && router.HitRate < 0.9)
        {
            section.Gaps.Add($"12 routing, hit rate ({Fmt.Percent(router.HitRate)} vs ≥ 90 %): a returning turn whose replica is full beyond its one queued " +
                             "turn spills to another replica, which prefills the whole conversation again. AffinityQueueSlots 2 gives " +
                             $"{Fmt.Percent(patient.HitRate)} with TTFT p50 {Fmt.Ms(patient.AfterFirst.P50)} / p99 {Fmt.Ms(patient.AfterFirst.P99)} (vs {Fmt.Ms(router.AfterFirst.P50)} / {Fmt.Ms(router.AfterFirst.P99)}).");
        }

        if (normal.Any(m => m.FirstTurn.Count == 0))
        {
            section.Failures.Add("a simulated run answered no turn");
        }
    }

    private static readonly IFormatProvider Culture = System.Globalization.CultureInfo.InvariantCulture;
}
