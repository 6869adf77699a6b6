extern alias bench;

using bench::MikuCloud.Bench.Routing;

namespace MikuCloud.Tests.Bench;

/// <summary>
/// The routing benchmark's simulated cluster (bench/MikuCloud.Bench/Routing): a seed gives the same run, and its
/// replica model charges prefill and counts cache hits the way BENCHMARKS.md says, so the published comparison
/// cannot rot silently.
/// </summary>
public sealed class RoutingSimulationTests
{
    private static readonly ClusterScenario Small = RoutingBenchmark.ScenarioFor(bench::MikuCloud.Bench.BenchScale.Smoke);

    /// <summary>One user, one replica, one API process, conversations of exactly two turns, nothing killed.</summary>
    private static readonly ClusterScenario TwoTurnsOnOneReplica = new()
    {
        Replicas = 1,
        ApiProcesses = 1,
        DurationSeconds = 10 * 60,
        WarmupSeconds = 0,
        KillAtSeconds = null,
        Workload = new WorkloadModel { Users = 1, TurnsMin = 2, TurnsMax = 2, IdleMeanSeconds = 10 },
    };

    [Fact]
    public void The_same_seed_gives_the_same_run_and_another_seed_another()
    {
        var first = Fingerprint(ClusterSimulation.Run(Small, PolicyChoice.RouterShared));
        var again = Fingerprint(ClusterSimulation.Run(Small, PolicyChoice.RouterShared));
        var otherSeed = Fingerprint(ClusterSimulation.Run(Small with { Seed = Small.Seed + 1 }, PolicyChoice.RouterShared));

        Assert.True(first.Count > 100, $"the small run answered only {first.Count} turns");
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        // Across processes too: the streams' seeds are SplitMix64's finaliser, not HashCode (randomised per process).
        Assert.Equal(-128853821, Seeds.Derive(20, 1, 7));
    }

    [Fact]
    public void A_second_turn_on_the_same_replica_finds_its_conversation_cached_and_prefills_only_the_new_question()
    {
        var run = ClusterSimulation.Run(TwoTurnsOnOneReplica, PolicyChoice.RouterShared);
        var serving = TwoTurnsOnOneReplica.Serving;
        var conversation = run.Turns.Where(t => t.Conversation == run.Turns[0].Conversation).ToList();

        Assert.Equal([1, 2], conversation.Select(t => t.Index));
        var (first, second) = (conversation[0], conversation[1]);
        Assert.Equal(TurnOutcome.Answered, second.Outcome);
        Assert.Equal(0, first.CachedTokens);
        Assert.False(first.FullHit);
        // The replica kept the first turn's prompt and answer: exactly what the second prompt starts with.
        Assert.Equal(first.PromptTokens + first.AnswerTokens, second.PreviousTokens);
        Assert.Equal(second.PreviousTokens, second.CachedTokens);
        Assert.True(second.FullHit);
        // Alone on the replica, time to first token is the two hops, the overhead and the uncached tokens' prefill.
        Assert.Equal(Prefill(serving, first.PromptTokens), first.TimeToFirstToken!.Value, 6);
        Assert.Equal(Prefill(serving, second.PromptTokens - second.PreviousTokens), second.TimeToFirstToken!.Value, 6);
        Assert.Equal(1.0, RoutingMetrics.From(run).HitRate);
    }

    [Fact]
    public void The_prefix_cache_forgets_the_least_recently_used_conversation_first()
    {
        var cache = new PrefixCache(capacityTokens: 10_000);
        cache.Store(1, 4_000);
        cache.Store(2, 4_000);
        Assert.Equal(4_000, cache.Lookup(1)); // 1 is now the most recently used

        cache.Store(3, 4_000);

        Assert.Equal(4_000, cache.Lookup(1));
        Assert.Equal(0, cache.Lookup(2));
        Assert.Equal(4_000, cache.Lookup(3));
        Assert.Equal(8_000, cache.Tokens);
    }

    [Fact]
    public void Ollamas_slot_cache_keeps_a_conversation_only_until_another_turn_takes_its_slot()
    {
        IPrefixCache cache = new SlotPrefixCache(slots: 2);
        Run(cache, conversation: 1, tokens: 3_000);
        Run(cache, conversation: 2, tokens: 2_000);
        Assert.Equal(3_000, cache.Begin(1)); // its slot was still free
        cache.End(1);

        Run(cache, conversation: 3, tokens: 1_000); // takes the least recently used free slot: conversation 2's

        Assert.Equal(3_000, cache.Begin(1));
        cache.End(1);
        Assert.Equal(0, cache.Begin(2));
    }

    private static void Run(IPrefixCache cache, int conversation, int tokens)
    {
        cache.Begin(conversation);
        cache.Hold(conversation, tokens);
        cache.End(conversation);
    }

    private static double Prefill(ServingModel serving, int uncachedTokens) =>
        (2 * serving.NetworkSeconds) + serving.TurnOverheadSeconds + (uncachedTokens / serving.PrefillTokensPerSecond);

    private static List<string> Fingerprint(SimulationRun run) =>
        [.. run.Turns.Where(t => t.FirstTokenAt is not null).Select(t => $"{t.Conversation}/{t.Index} {t.SentAt:R} {t.FirstTokenAt:R} r{t.Replica} c{t.CachedTokens} {t.Outcome}")];
}
