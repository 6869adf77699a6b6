namespace MikuCloud.Bench.Routing;

/// <summary>Item 12's reading of its own numbers: what each comparison says about the routing and the cluster.</summary>
public sealed partial class RoutingBenchmark
{
    private static void Findings(Section section, ClusterScenario scenario, List<RoutingMetrics> normal, List<RoutingMetrics> busy)
    {
        RoutingMetrics N(PolicyChoice p) => normal.Single(m => m.Policy == p.Name);
        RoutingMetrics B(PolicyChoice p) => busy.Single(m => m.Policy == p.Name);
        var (perProcess, sharedSlots, shared, queueing, ollama) =
            (PolicyChoice.RouterPerProcess, PolicyChoice.RouterSharedSlots, PolicyChoice.RouterShared, PolicyChoice.RouterSharedQueueing, PolicyChoice.RouterSharedOllamaCache);
        var (today, manyPods, roundRobin) = (PolicyChoice.ClientIpAffinity, PolicyChoice.ClientIpAffinityManyPods, PolicyChoice.RoundRobin);
        var routerRows = normal.Concat(busy).Where(m => m.Policy.StartsWith("ReplicaRouter", StringComparison.Ordinal)).ToList();
        var failedOver = routerRows.Where(m => m.FailedOver > 0).ToList();

        section.Line("**What it means**").Line();
        section.Line($"- **Affinity needs one view of the conversations.** Each question reaches a random API process, so with a router per process (part 1")
            .Line($"  alone) a conversation's next question mostly meets a router that never saw it: {Fmt.Percent(N(perProcess).HitRate)} of later turns hit the cache")
            .Line($"  (round-robin: {Fmt.Percent(N(roundRobin).HitRate)}). Sharing only the slot counts (part 2 as planned: leases in Redis) gives")
            .Line($"  {Fmt.Percent(N(sharedSlots).HitRate)}; sharing the affinity map too gives {Fmt.Percent(N(shared).HitRate)} (TTFT p50 of later turns {Fmt.Ms(N(shared).AfterFirst.P50)} against")
            .Line($"  {Fmt.Ms(N(perProcess).AfterFirst.P50)}). So part 2 should keep conversation → replica in Redis beside the leases, or make a new conversation's")
            .Line("  placement a function of its id and the healthy replicas (rendezvous hashing bounded by load; not simulated here) that every")
            .Line("  process computes alike.");
        var (impatient, patient) = (PolicyChoice.RouterSharedNoPatience, PolicyChoice.RouterSharedPatient);
        section.Line("- **Affinity patience: a returning turn waits at its own replica rather than prefill everything elsewhere.** Without it")
            .Line($"  the shared router hits {Fmt.Percent(N(impatient).HitRate)} ({Fmt.Percent(B(impatient).HitRate)} in the busy hour): when the conversation's replica has every slot")
            .Line("  taken, the turn goes to another replica, which prefills the whole conversation, pictures included, while the GPUs are busiest.")
            .Line("  With `AffinityQueueSlots` 1 (the default) one returning turn per replica may queue there beyond its slots; new conversations")
            .Line($"  and spills still take only free slots: {Fmt.Percent(N(shared).HitRate)} ({Fmt.Percent(B(shared).HitRate)} in the busy hour). The price is the tail: the queued turn waits")
            .Line($"  for the first answer there to end, so TTFT p99 of later turns is {Seconds(N(shared).AfterFirst.P99)} against {Seconds(N(impatient).AfterFirst.P99)} (p50 {Fmt.Ms(N(shared).AfterFirst.P50)}")
            .Line($"  against {Fmt.Ms(N(impatient).AfterFirst.P50)}; first turns keep theirs: p99 {Seconds(N(shared).FirstTurn.P99)} against {Seconds(N(impatient).FirstTurn.P99)}).")
            .Line($"  The busy hour needs 2 for 90 %: {Fmt.Percent(B(patient).HitRate)}, TTFT p50 of later turns {Fmt.Ms(B(patient).AfterFirst.P50)} against {Fmt.Ms(B(impatient).AfterFirst.P50)} without patience,")
            .Line($"  p99 {Seconds(B(patient).AfterFirst.P99)} against {Seconds(B(impatient).AfterFirst.P99)}; at normal load 2 costs p99 {Seconds(N(patient).AfterFirst.P99)} for {Fmt.Percent(N(patient).HitRate)}. Counting twice")
            .Line($"  the slots instead lets new conversations queue too: {Fmt.Percent(N(queueing).HitRate)}, p99 {Seconds(N(queueing).AfterFirst.P99)} ({Fmt.Percent(B(queueing).HitRate)}, {Seconds(B(queueing).AfterFirst.P99)} busy).");
        section.Line($"- **Ollama's own cache caps all of it.** Ollama keeps one sequence per slot; with {scenario.Serving.Slots} slots and ~{Fmt.N(N(ollama).OpenConversationsPerReplica, "0.0")} conversations")
            .Line("  open per replica, another conversation's turn has usually taken a conversation's slot before its next question: the shared")
            .Line($"  router then hits {Fmt.Percent(N(ollama).HitRate)} ({Fmt.Percent(B(ollama).HitRate)} in the busy hour), TTFT p50 of later turns {Fmt.Ms(N(ollama).AfterFirst.P50)}")
            .Line($"  against round-robin's {Fmt.Ms(N(roundRobin).AfterFirst.P50)}. With Ollama the routing pays only when a replica has about as many slots as open")
            .Line("  conversations (each slot costs `num_ctx` of KV memory), or with an engine whose prefix cache all slots share (vLLM, SGLang:")
            .Line("  the LRU rows). This, not the router, is what to confirm on real GPUs first.");
        section.Line($"- **ClientIP affinity pins API pods, not conversations.** With {scenario.ApiProcesses} API pods on {scenario.Replicas} replicas it kept {Fmt.N(N(today).MeanBusySlots, "0.00")} slots per")
            .Line($"  replica busy on average with max ÷ mean {Fmt.N(N(today).Imbalance, "0.00")} (the unpinned replicas idle) and finished {Fmt.N(N(today).TurnsPerMinute)} turns a minute against")
            .Line($"  {Fmt.N(N(shared).TurnsPerMinute)}. With 16 pods the load spreads better ({Fmt.N(N(manyPods).Imbalance, "0.00")}, pods collide) but a conversation meets another pod, and so")
            .Line($"  another replica, at most turns ({Fmt.Percent(N(manyPods).HitRate)} hits). It cannot fail over either: the retry goes to the same dead pod until")
            .Line($"  kube-proxy drops it ({N(today).Lost} / {B(today).Lost} questions lost), and pins that moved away stay away" +
                  (N(today).BackInUseSeconds is null ? " (the restarted replica got no turn again)." : "."));
        section.Line($"- **A dead replica costs the answers it was streaming, nothing else.** The {routerRows.Count} ReplicaRouter runs lost {routerRows.Sum(m => m.Lost)} questions that")
            .Line($"  had not started streaming; {failedOver.Sum(m => m.FailedOver)} failed over (the slowest got its first token after")
            .Line($"  {Seconds(failedOver.Count == 0 ? double.NaN : failedOver.Max(m => m.FailedOverWorstMs))}). Answers streaming on it were cut under every policy: resuming one on another")
            .Line("  replica would mean re-sending the prompt and the partial answer (a continue), which the API does not do.")
            .Line();
    }
}
