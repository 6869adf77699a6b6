using System.Collections.Concurrent;
using System.Diagnostics;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// Drives real routers as the API's turns do — a turn is routed, and the oldest running turn ends (its lease is
/// released), so the load stays where it was put — and times each turn (route + release) on its own. The routers are
/// API processes: one caller is one process routing turns back to back; several callers per router are that process's
/// turns at once.
/// </summary>
/// <param name="routers">One per API process (in process: each its own; in scale-out: sharing one Redis).</param>
/// <param name="keys">Conversations; each turn draws one at random.</param>
/// <param name="seed">The draw's seed (each caller its own stream from it).</param>
public sealed class TurnDriver(IReadOnlyList<ReplicaRouter> routers, IReadOnlyList<string> keys, int seed)
{
    /// <summary>Turns each router routes and releases before anything is held or timed: JIT, pools, a script cache.</summary>
    private const int WarmupTurns = 200;

    private readonly ConcurrentQueue<ReplicaLease>[] held = [.. routers.Select(_ => new ConcurrentQueue<ReplicaLease>())];

    /// <summary>Per turn, route + release, in microseconds; and turns per second over the wall time of all callers.</summary>
    public sealed record Timing(Summary Microseconds, double TurnsPerSecond);

    /// <summary>Routes every conversation once and ends its turn at once: the affinity maps (in process, in Redis) remember each.</summary>
    public async Task RememberAllAsync(int callers)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < keys.Count; i = Interlocked.Increment(ref next))
            {
                (await RouteAsync(routers[i % routers.Count], keys[i])).Dispose();
            }
        })));
    }

    /// <summary>Warms each router up, then has them hold <paramref name="total"/> running turns, split evenly.</summary>
    public async Task HoldAsync(int total)
    {
        var random = new Random(seed);
        for (var r = 0; r < routers.Count; r++)
        {
            for (var i = 0; i < WarmupTurns; i++)
            {
                (await RouteAsync(routers[r], Draw(random))).Dispose();
            }

            for (var i = 0; i < (total / routers.Count) + (r < total % routers.Count ? 1 : 0); i++)
            {
                held[r].Enqueue(await RouteAsync(routers[r], Draw(random)));
            }
        }
    }

    /// <summary>
    /// <paramref name="turns"/> turns in all, split evenly over <paramref name="callersPerRouter"/> callers on each router,
    /// all at once. A caller's turn: route one, end its router's oldest.
    /// </summary>
    public async Task<Timing> RunAsync(int callersPerRouter, int turns)
    {
        var callers = routers.Count * callersPerRouter;
        var perCaller = turns / callers;
        var times = new double[callers][];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var (router, running) = (routers[c % routers.Count], held[c % routers.Count]);
            var random = new Random(seed + 1 + c);
            var mine = times[c] = new double[perCaller];
            for (var i = 0; i < perCaller; i++)
            {
                var key = Draw(random);
                var start = Stopwatch.GetTimestamp();
                running.Enqueue(await RouteAsync(router, key));
                if (running.TryDequeue(out var oldest))
                {
                    oldest.Dispose();
                }

                mine[i] = Clock.Ms(start, Stopwatch.GetTimestamp()) * 1000;
            }
        })));
        var seconds = Clock.MsSince(started) / 1000;
        return new Timing(Summary.Of(times.SelectMany(t => t)), callers * perCaller / seconds);
    }

    /// <summary>Ends every held turn.</summary>
    public void ReleaseAll()
    {
        foreach (var running in held)
        {
            while (running.TryDequeue(out var lease))
            {
                lease.Dispose();
            }
        }
    }

    private string Draw(Random random) => keys[random.Next(keys.Count)];

    private static async Task<ReplicaLease> RouteAsync(ReplicaRouter router, string key) =>
        // The API's routers overcommit when full (as built here too), so a turn always gets a replica.
        await router.TryRouteAsync(key) ?? throw new InvalidOperationException("the router found no replica for a turn");
}
