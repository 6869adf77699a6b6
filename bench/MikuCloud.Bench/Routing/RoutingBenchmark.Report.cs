using System.Globalization;

namespace MikuCloud.Bench.Routing;

/// <summary>Item 12's text and tables.</summary>
public sealed partial class RoutingBenchmark
{
    private static void Describe(Section section, ClusterScenario scenario, List<(RoutingMetrics Metrics, SimulationRun Run)> normal,
        List<(RoutingMetrics Metrics, SimulationRun Run)> busy, List<RouterCost.Result> costs, List<ScaleOutRouterCost.Result> scaleOut)
    {
        var (serving, workload) = (scenario.Serving, scenario.Workload);
        var events = normal.Concat(busy).Sum(r => r.Run.Events);
        var wall = normal.Concat(busy).Sum(r => r.Run.WallMilliseconds);
        section.Line($"A discrete-event simulation in virtual time, inside this process: {scenario.Replicas} simulated Ollama replicas, {scenario.ApiProcesses} API processes")
            .Line($"(unless a row says otherwise) and {workload.Users} users ({Busy(scenario).Workload.Users} in the busy hour), {Minutes(scenario.DurationSeconds)} of traffic per policy,")
            .Line($"{events:N0} events for all {normal.Count + busy.Count} runs in {wall / 1000:0.0} s of this machine. **Real**: the router in the `ReplicaRouter` rows is the API's own")
            .Line("code (`MikuCloud.Api/Ollama/Routing`), driven through the calls the API makes (route, release, failed, healthy). **Simulated**:")
            .Line("the replicas, the network, kube-proxy and the users. The issue pictured fake Ollama servers on loopback; on 2 shared cores")
            .Line("those would time the fakes' sockets and timers, not the routing, so this is the honest cheap version: repeatable")
            .Line($"(seed {scenario.Seed}: the same seed gives the same run, a test checks it), and each user draws from its own random stream,")
            .Line("so every policy meets the same conversations, pictures and think times.")
            .Line();
        section.Table(["the replica model (Qwen3-VL-8B q4_K_M, one 24 GB GPU, order of magnitude)", "value"],
        [
            ["slots (`OLLAMA_NUM_PARALLEL`); a turn waits in the replica's queue for one", serving.Slots.ToString(CultureInfo.InvariantCulture)],
            ["prefill of the prompt tokens not in the cache, one prompt at a time per GPU", $"{serving.PrefillTokensPerSecond:N0} tokens/s + {serving.TurnOverheadSeconds * 1000:0} ms"],
            ["decode, per slot", $"{serving.DecodeTokensPerSecond:0} tokens/s"],
            ["prefix cache: LRU of conversation prefixes (prompt + answer) by tokens", $"{serving.CacheTokens:N0} tokens (4 × `num_ctx` 16,384)"],
            ["a picture", $"{serving.PictureTokens:N0} tokens (972 for a 12 MP photo after the API's resize, item 3)"],
            ["a killed replica: back (container restart, model load)", $"{serving.RestartSeconds:0} s; kube-proxy drops it after {ServiceEndpoints.RemoveAfterSeconds:0} s, takes it back {ServiceEndpoints.AddAfterSeconds:0} s after it is up"],
            ["each API process: attempts per turn; health probe", $"{SimulatedApiProcess.MaxAttempts} (a failed replica excluded where the policy can); every {SimulatedApiProcess.ProbeIntervalSeconds:0} s"],
        ]);
        section.Line($"Users: a pause (exponential, mean {workload.IdleMeanSeconds:0} s), then a conversation of {workload.TurnsMin}–{workload.TurnsMax} turns; a question is {workload.QuestionTokensMin}–{workload.QuestionTokensMax} tokens,")
            .Line($"with a picture in {workload.FirstTurnPictureShare:P0} of first turns and {workload.LaterTurnPictureShare:P0} of later ones; an answer is {workload.AnswerTokensMin}–{workload.AnswerTokensMax} tokens; then a think time")
            .Line($"(mean {workload.ThinkMeanSeconds:0} s, at least {workload.ThinkFloorSeconds:0} s). Each question goes to a random API process (the load balancer in front of the API pods).")
            .Line($"A lost or cut-off question is asked again {workload.RetryAfterSeconds:0} s later. TTFT runs from the question sent to its first token, retries")
            .Line($"included. Steady-state figures: questions sent from {Minutes(scenario.WarmupSeconds)} in to the kill at {Minutes(scenario.SteadyEndSeconds)}.")
            .Line()
            .Line("Not modelled: the API's admission (`Chat:MaxConcurrentGenerations`, 429) and Ollama's queue limit (`OLLAMA_MAX_QUEUE`, 503):")
            .Line("every turn waits until served; a prefill slowing the other slots' decode (decode is a fixed rate per slot); the system")
            .Line("prompt shared by all conversations (each caches its own copy); the Web → API hop reusing connections (each question")
            .Line("picks an API process at random: the worst case for a router per process).")
            .Line();
        Steady(section, "Normal load", normal);
        Steady(section, "Busy hour", busy);
        Kill(section, scenario, normal, busy);
        var router = normal.Single(r => r.Metrics.Policy == NewRouting.Name).Metrics;
        Cost(section, scenario, router, costs);
        ScaleOutCost(section, scenario, router, costs, scaleOut);
        Findings(section, scenario, [.. normal.Select(r => r.Metrics)], [.. busy.Select(r => r.Metrics)]);
    }

    private static void Steady(Section section, string load, List<(RoutingMetrics Metrics, SimulationRun Run)> results)
    {
        var users = results[0].Run.Scenario.Workload.Users;
        section.Line($"**{load}** ({users} users; TTFT p50 / p99):").Line();
        section.Table(["policy", "API processes", "turn 1", "turn 2", "turns 3+", "hit rate, turns ≥ 2 (turns / tokens)", $"busy slots per replica (of {results[0].Run.Scenario.Serving.Slots})", "max ÷ mean", "turns/min"],
            results.Select(r => r.Metrics).Select(m => (IReadOnlyList<string>)
            [
                m.Policy, m.ApiProcesses.ToString(CultureInfo.InvariantCulture), Ttft(m.FirstTurn), Ttft(m.SecondTurn), Ttft(m.LaterTurns),
                $"{Fmt.Percent(m.HitRate)} / {Fmt.Percent(m.TokenHitRate)}", Fmt.N(m.MeanBusySlots, "0.00"), Fmt.N(m.Imbalance, "0.00"), Fmt.N(m.TurnsPerMinute),
            ]));
    }

    private static void Kill(Section section, ClusterScenario scenario, List<(RoutingMetrics Metrics, SimulationRun Run)> normal, List<(RoutingMetrics Metrics, SimulationRun Run)> busy)
    {
        section.Line($"**A replica killed** {Minutes(scenario.KillAtSeconds ?? 0)} in, in both runs: the busiest replica at that moment; its process dies and comes back")
            .Line($"{scenario.Serving.RestartSeconds:0} s later with an empty cache. Lost: questions that never started streaming (every attempt failed). Cut: answers")
            .Line("streaming when it died (no router can save those; the user retries). Failed over: answered after a failed attempt. Recovered: from")
            .Line($"the kill to the end of the first {RoutingMetrics.RecoveryWindowSeconds:0}-s window in which the restarted replica carries ≥ {RoutingMetrics.RecoveredShare:P0} of the mean replica's busy slots.")
            .Line();
        var rows = normal.Select(r => (Load: "normal", r.Metrics, r.Run)).Concat(busy.Select(r => (Load: "busy hour", r.Metrics, r.Run)));
        section.Table(["policy", "load", "killed", "lost", "cut mid-answer", "failed over (slowest TTFT)", "restarted replica's first turn", "recovered"],
            rows.Select(x => (IReadOnlyList<string>)
            [
                x.Metrics.Policy, x.Load, $"replica {x.Run.KilledReplica}", x.Metrics.Lost.ToString(CultureInfo.InvariantCulture), x.Metrics.Cut.ToString(CultureInfo.InvariantCulture),
                $"{x.Metrics.FailedOver} ({Seconds(x.Metrics.FailedOverWorstMs)})",
                x.Run.BackInUseAt is { } back ? $"{back - scenario.KillAtSeconds:0.0} s after the kill" : "never (in the run)",
                x.Metrics.RecoverSeconds is { } recovered ? $"{recovered:0} s" : "not in the run",
            ]));
    }

    private static void Cost(Section section, ClusterScenario scenario, RoutingMetrics router, List<RouterCost.Result> costs)
    {
        section.Line($"**The router's own cost**, measured (not simulated): `TryRouteAsync` + the lease's release per turn on one thread, {RouterCost.BusyShare:P0} of the")
            .Line("slots held, conversation keys drawn at random from a full affinity map; memory: the map's growth per conversation (GUID keys).")
            .Line();
        section.Table(["replicas", "conversations remembered", "turns measured", "per turn", "allocated per turn", "affinity map per conversation"],
            costs.Select(c => (IReadOnlyList<string>)
            [
                c.Replicas.ToString(CultureInfo.InvariantCulture), c.Conversations.ToString("N0", CultureInfo.InvariantCulture), c.Turns.ToString("N0", CultureInfo.InvariantCulture),
                Fmt.Us(c.MicrosecondsPerTurn), Fmt.Bytes(c.BytesPerTurn), Fmt.Bytes(c.BytesPerConversation),
            ]));
        var (slotSecondsPerTurn, turnsPerSecond) = HundredReplicas(scenario, router);
        var big = costs[^1];
        section.Line($"**On paper, 100 replicas**: {100 * scenario.Serving.Slots} slots 75 % busy, each turn holding a slot {slotSecondsPerTurn:0.0} s (as simulated), is ~{turnsPerSecond:0} turns/s")
            .Line($"for the whole cluster: the router costs {Fmt.Us(big.MicrosecondsPerTurn)} × {turnsPerSecond:0}/s ≈ {big.MicrosecondsPerTurn * turnsPerSecond / 1000:0.0} ms of CPU a second, spread over")
            .Line("the API processes, under one lock per router (routing is serialised per process, and a turn holds the lock for that long).")
            .Line($"The affinity map at its default bound of 100,000 conversations is ~{Fmt.Bytes(big.BytesPerConversation * 100_000)} per router; at {Fmt.Bytes(big.BytesPerConversation)} a conversation,")
            .Line($"a million conversations would be ~{Fmt.Bytes(big.BytesPerConversation * 1_000_000)}. Neither grows with the number of replicas; the per-turn cost does (the")
            .Line("router ranks every replica for every turn).")
            .Line();
    }

    /// <summary>
    /// 100 replicas' slots 75 % busy as a turn rate for the whole cluster, each turn holding a slot as long as in the
    /// simulation (slot-seconds per answered turn).
    /// </summary>
    private static (double SlotSecondsPerTurn, double TurnsPerSecond) HundredReplicas(ClusterScenario scenario, RoutingMetrics router)
    {
        var slotSecondsPerTurn = router.MeanBusySlots * scenario.Replicas * 60 / router.TurnsPerMinute;
        return (slotSecondsPerTurn, 100 * scenario.Serving.Slots * 0.75 / slotSecondsPerTurn);
    }

    private static string Ttft(Summary s) => s.Count == 0 ? "–" : $"{Seconds(s.P50)} / {Seconds(s.P99)}";

    private static string Seconds(double ms) => double.IsNaN(ms) ? "–" : ms < 1000 ? Fmt.Ms(ms) : (ms / 1000).ToString(ms < 10_000 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";

    private static string Minutes(double seconds) => (seconds / 60).ToString("0", CultureInfo.InvariantCulture) + " min";
}
