using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Bench.Routing;

/// <summary>A routing policy under comparison: its name in the report and, for each run, how each API process gets its policy.</summary>
/// <param name="Name">Its row in the report.</param>
/// <param name="ForRun">Called once per run (state shared between processes lives in its closure), then once per API process.</param>
public sealed record PolicyChoice(string Name, Func<ClusterContext, Func<int, IRoutingPolicy>> ForRun)
{
    public static PolicyChoice RoundRobin { get; } = new("round-robin, per API process", c => _ => new RoundRobinPolicy(c.Scenario.Replicas));

    public static PolicyChoice ClientIpAffinity { get; } = new("ClientIP affinity (today)", c => p => new ClientIpAffinityPolicy(c.Service, c.RandomFor(p)));

    /// <summary>Today's set-up as the README advises it: at least as many API pods as Ollama replicas (here twice as many).</summary>
    public static PolicyChoice ClientIpAffinityManyPods { get; } = ClientIpAffinity with
    {
        Name = "ClientIP affinity, 16 API processes",
        Adjust = s => s with { ApiProcesses = 16 },
    };

    /// <summary>Part 1 alone: each API process has its own router, its own slot counts and its own affinity map.</summary>
    public static PolicyChoice RouterPerProcess { get; } = new("ReplicaRouter, one per API process", c => _ => NewPolicy(c, NewRouter(c)));

    /// <summary>Part 2 as the issue plans it: slot leases shared (Redis), each process's affinity map its own.</summary>
    public static PolicyChoice RouterSharedSlots { get; } = new("ReplicaRouter per process, slots shared", c =>
    {
        var slots = new InProcessReplicaSlots();
        return _ => NewPolicy(c, NewRouter(c, slots));
    });

    /// <summary>
    /// Slots and the affinity map shared: one router for all processes (each keeps its own health counts), as the API
    /// sets it up by default (<c>Ollama:AffinityQueueSlots</c> 1).
    /// </summary>
    public static PolicyChoice RouterShared { get; } = new("ReplicaRouter shared by all API processes", c =>
    {
        var router = NewRouter(c);
        return _ => NewPolicy(c, router);
    });

    /// <summary>The shared router without affinity patience: a returning turn spills as soon as its replica is full (before issue 20's follow-up).</summary>
    public static PolicyChoice RouterSharedNoPatience { get; } = SharedWithPatience(0, "ReplicaRouter shared, no patience (AffinityQueueSlots = 0)");

    /// <summary>The shared router with two returning turns allowed to queue per replica (what the busy hour needs for 90 %).</summary>
    public static PolicyChoice RouterSharedPatient { get; } = SharedWithPatience(2, "ReplicaRouter shared, AffinityQueueSlots = 2");

    /// <summary>
    /// The shared router told each replica has twice its <c>OLLAMA_NUM_PARALLEL</c>, without patience: every turn, new
    /// conversations included, may wait in a replica's queue (up to one more turn per slot) before another replica is tried.
    /// </summary>
    public static PolicyChoice RouterSharedQueueing { get; } = new("ReplicaRouter shared, Slots = 2 × OLLAMA_NUM_PARALLEL", c =>
    {
        var router = ReplicaRouterPolicy.NewRouter(c.Scenario.Replicas, 2 * c.Scenario.Serving.Slots, affinityQueueSlots: 0);
        return _ => NewPolicy(c, router);
    });

    /// <summary>The shared router on replicas with Ollama's own prompt cache (one conversation per slot) instead of the LRU.</summary>
    public static PolicyChoice RouterSharedOllamaCache { get; } = RouterShared with
    {
        Name = "ReplicaRouter shared, Ollama's per-slot cache",
        Adjust = s => s with { Serving = s.Serving with { PrefixCache = PrefixCacheModel.OllamaSlots } },
    };

    /// <summary>What this row changes in the scenario (more API processes, another cache model); by default nothing.</summary>
    public Func<ClusterScenario, ClusterScenario> Adjust { get; init; } = s => s;

    private static PolicyChoice SharedWithPatience(int affinityQueueSlots, string name) => new(name, c =>
    {
        var router = ReplicaRouterPolicy.NewRouter(c.Scenario.Replicas, c.Scenario.Serving.Slots, affinityQueueSlots: affinityQueueSlots);
        return _ => NewPolicy(c, router);
    });

    private static ReplicaRouter NewRouter(ClusterContext cluster, IReplicaSlots? slots = null) =>
        ReplicaRouterPolicy.NewRouter(cluster.Scenario.Replicas, cluster.Scenario.Serving.Slots, slots);

    private static ReplicaRouterPolicy NewPolicy(ClusterContext cluster, ReplicaRouter router) => new(router, cluster.Scenario.Replicas);
}
