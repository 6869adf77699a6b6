using System.Globalization;
using MikuCloud.Testing;

namespace MikuCloud.Bench.Routing;

/// <summary>Item 12's router with its state in Redis (scale-out): measured beside the router in process, its table and its summary line.</summary>
public sealed partial class RoutingBenchmark
{
    /// <summary>The <c>cluster</c> overlay's HPA maximum of API pods: each renews its leases every second.</summary>
    private const int MaxApiPods = 12;

    /// <summary>The <c>cluster</c> overlay's Redis <c>maxmemory</c> (allkeys-lru).</summary>
    private const double RedisMaxMemory = 256 * 1024 * 1024;

    private async Task<List<ScaleOutRouterCost.Result>> MeasureScaleOutAsync(ClusterScenario scenario, int conversations)
    {
        var turns = options.Scale switch { BenchScale.Full => 50_000, BenchScale.Quick => 20_000, _ => 1_000 };
        var results = new List<ScaleOutRouterCost.Result>();
        foreach (var replicas in new[] { 8, 100 })
        {
            var result = await ScaleOutRouterCost.MeasureAsync(replicas, scenario.Serving.Slots, conversations, turns);
            results.Add(result);
            foreach (var row in result.Rows)
            {
                log.WriteLine($"   router at {replicas} replicas, {row.Store}, {row.Processes} × {row.Callers / row.Processes}: p50 {row.Microseconds.P50:0.0} µs, " +
                              $"p99 {row.Microseconds.P99:0.0} µs, {row.TurnsPerSecond:0} turns/s" + (row.Redis is { } r ? $"; per turn {Commands(r)}, {r.CpuMicroseconds:0.0} µs of Redis CPU" : ""));
            }

            if (result.Redis is { } redis)
            {
                log.WriteLine($"   Redis at {replicas} replicas: {redis.BytesPerConversation:0} B per conversation ({redis.Keys} keys); a renewal p50 " +
                              $"{redis.RenewalMilliseconds.P50:0.00} ms, {Commands(redis.PerRenewal)}, {redis.PerRenewal.CpuMicroseconds:0} µs of Redis CPU");
            }
        }

        if (results[0].NotMeasured is { } why)
        {
            log.WriteLine($"   the router with Redis was not measured: {why}");
        }

        return results;
    }

    private static void CheckScaleOut(Section section, List<ScaleOutRouterCost.Result> results)
    {
        const string Item = "12 routing (simulated)";
        if (results[0].NotMeasured is { } why)
        {
            section.Targets.Add(new TargetCheck(Item, "router cost per turn with Redis (scale-out)", "—", "not measured", null, why));
            if (why != PrivateRedis.NotInstalled)
            {
                section.Failures.Add($"the router with Redis could not be measured: {why}");
            }

            return;
        }

        var (small, big) = (results[0], results[^1]);
        section.Targets.Add(new TargetCheck(Item, "router cost per turn with Redis (route + release), one caller, p50 / p99", "—",
            $"{PerTurn(Row(small, "Redis", 1))} at {small.Replicas} replicas; {PerTurn(Row(big, "Redis", 1))} at {big.Replicas}", null,
            $"in process {PerTurn(Row(small, "in process", 1))}; {PerTurn(Row(big, "in process", 1))}; {ScaleOutRouterCost.Processes} API processes × " +
            $"{ScaleOutRouterCost.CallersPerProcess} callers on one Redis: {Fmt.N(Row(small, "Redis", ScaleOutRouterCost.Processes).TurnsPerSecond, "N0")} / " +
            $"{Fmt.N(Row(big, "Redis", ScaleOutRouterCost.Processes).TurnsPerSecond, "N0")} turns/s; {Fmt.N(Row(big, "Redis", 1).Redis!.SentCommands, "0.0")} commands " +
            $"sent per turn; {Fmt.Bytes(big.Redis!.BytesPerConversation)} of Redis per conversation"));
        foreach (var result in results.Where(r => r.Redis!.Keys < r.Conversations))
        {
            section.Failures.Add($"the shared affinity map in Redis held {result.Redis!.Keys} keys for {result.Conversations} conversations ({result.Replicas} replicas)");
        }
    }

    private static void ScaleOutCost(Section section, ClusterScenario scenario, RoutingMetrics router, List<RouterCost.Result> costs, List<ScaleOutRouterCost.Result> results)
    {
        if (results[0].NotMeasured is { } why)
        {
            section.Line($"**The router with Redis** (scale-out) was not measured in this run: {why}").Line();
            return;
        }

        var (processes, callers) = (ScaleOutRouterCost.Processes, ScaleOutRouterCost.CallersPerProcess);
        section.Line("**The router with Redis** (scale-out, `ConnectionStrings:redis` set), side by side with the router in process: the same turns")
            .Line($"(route + release, {RouterCost.BusyShare:P0} of the slots held, conversation keys drawn at random from {results[0].Conversations:N0} remembered) by one caller, and")
            .Line($"by {processes} API processes with {callers} callers each at once (each process its own router; with Redis each its own connection, on one")
            .Line("Redis). The router is built as the API builds it in scale-out: `RedisReplicaSlots` over `RedisSlotStore` and `RedisReplicaAffinity`")
            .Line("on a StackExchange.Redis multiplexer. Redis is a redis-server of the bench's own on loopback, sharing this machine's cores with the")
            .Line("callers (no network: between pods, add the network's round trip twice per turn). A turn waits on two round trips (GET of the")
            .Line("conversation's replica, the take script) and sends two commands fire-and-forget (SETEX of the conversation's replica with its TTL,")
            .Line("ZREM of the released lease); commands and CPU are Redis's own count (INFO), scripts' inner calls under \"run\". A take refused")
            .Line("because the replica filled up since this process last counted it sends the script again, to the next replica: more often with")
            .Line("several processes (the keeper, which recounts every second, is timed apart below, not during the turns). Redis's CPU per turn")
            .Line("falls when turns arrive together: more commands per read and write.")
            .Line();
        section.Table(["replicas", "slots and affinity", "API processes × callers", "turns", "per turn p50 / p99", "turns/s", "Redis commands per turn (sent / run)", "Redis CPU per turn"],
            results.SelectMany(r => r.Rows.Select(row => (IReadOnlyList<string>)
            [
                r.Replicas.ToString(CultureInfo.InvariantCulture), row.Store, $"{row.Processes} × {row.Callers / row.Processes}", row.Turns.ToString("N0", CultureInfo.InvariantCulture),
                PerTurn(row), Fmt.N(row.TurnsPerSecond, "N0"), row.Redis is { } w ? $"{Fmt.N(w.SentCommands, "0.00")} / {Fmt.N(w.RunCommands, "0.00")}" : "–",
                row.Redis is { } c ? Fmt.Us(c.CpuMicroseconds) : "–",
            ])));
        section.Line("Besides the turns, Redis keeps each conversation's replica (memory: `used_memory` before and after every conversation was routed")
            .Line($"once) and every API process renews its leases once a second (`RedisSlotKeeper`: one script per replica, in one batch; timed with {RouterCost.BusyShare:P0}")
            .Line("of the slots held by the process):")
            .Line();
        section.Table(["replicas", "Redis memory per conversation", "keys", "a renewal, p50", "its commands (sent / run)", "its Redis CPU"],
            results.Select(r => (IReadOnlyList<string>)
            [
                r.Replicas.ToString(CultureInfo.InvariantCulture), Fmt.Bytes(r.Redis!.BytesPerConversation), r.Redis.Keys.ToString("N0", CultureInfo.InvariantCulture),
                Fmt.Ms(r.Redis.RenewalMilliseconds.P50), $"{Fmt.N(r.Redis.PerRenewal.SentCommands)} / {Fmt.N(r.Redis.PerRenewal.RunCommands)}", Fmt.Us(r.Redis.PerRenewal.CpuMicroseconds),
            ]));
        var big = results[^1];
        var (redis, alone) = (Row(big, "Redis", 1), Row(big, "in process", 1));
        var (_, turnsPerSecond) = HundredReplicas(scenario, router);
        var (turnCpu, renewalCpu) = (turnsPerSecond * redis.Redis!.CpuMicroseconds / 1000, MaxApiPods * big.Redis!.PerRenewal.CpuMicroseconds / 1000);
        var commands = (turnsPerSecond * redis.Redis.RunCommands) + (MaxApiPods * big.Redis.PerRenewal.RunCommands);
        var served = Row(big, "Redis", processes).TurnsPerSecond;
        section.Line($"**On paper, 100 replicas with Redis**: each of the ~{turnsPerSecond:0} turns/s waits {PerTurn(redis)} (p50 / p99) on the router instead of")
            .Line($"{PerTurn(alone)}, nothing beside a time to first token of ~100 ms on a cache hit. Redis runs ~{commands:N0} commands a second for it:")
            .Line($"{turnsPerSecond:0} turns × {redis.Redis.RunCommands:0.0}, and {MaxApiPods} API pods (the `cluster` overlay's HPA maximum) each renewing {big.Replicas} replicas' leases")
            .Line($"every second; ~{turnCpu + renewalCpu:0.0} ms of Redis CPU a second ({(turnCpu + renewalCpu) / 10:0.0} % of a core), {renewalCpu / (turnCpu + renewalCpu):P0} of it the renewals.")
            .Line($"This one Redis served {Fmt.N(served, "N0")} turns/s to {processes} × {callers} callers while sharing 2 cores with them, ~{served / turnsPerSecond:N0}× that rate.")
            .Line($"The shared map is {Fmt.Bytes(big.Redis.BytesPerConversation)} a conversation in Redis (a router's own map: {Fmt.Bytes(costs[^1].BytesPerConversation)}): 100,000 conversations")
            .Line($"are ~{Fmt.Bytes(big.Redis.BytesPerConversation * 100_000)}, and the overlay's `maxmemory` of 256 MB holds ~{RedisMaxMemory / big.Redis.BytesPerConversation:N0} (allkeys-lru evicts the least")
            .Line("recently routed first; each is kept 6 h after its last turn).")
            .Line();
    }

    private static ScaleOutRouterCost.TurnCost Row(ScaleOutRouterCost.Result result, string store, int processes) =>
        result.Rows.Single(r => r.Store == store && r.Processes == processes);

    private static string PerTurn(ScaleOutRouterCost.TurnCost row) => $"{Micro(row.Microseconds.P50)} / {Micro(row.Microseconds.P99)}";

    private static string Micro(double us) => us >= 1000 ? Fmt.Ms(us / 1000) : Fmt.Us(us);

    private static string Commands(ScaleOutRouterCost.RedisWork work) =>
        string.Join(", ", work.Commands.OrderByDescending(c => c.Value).Select(c => $"{c.Key.ToUpperInvariant()} {c.Value.ToString("0.00", CultureInfo.InvariantCulture)}"));
}
