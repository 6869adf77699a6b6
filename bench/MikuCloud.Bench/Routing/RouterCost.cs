using System.Diagnostics;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The real router's own cost, measured (not simulated): <c>TryRouteAsync</c> plus the lease's release per turn, on
/// one thread, set up as the API sets it up, with the replicas 60 % busy and a full affinity map; and the affinity map's memory per conversation.
/// </summary>
public static class RouterCost
{
    /// <summary>Share of all slots held while measuring, so the ranking sees different loads.</summary>
    public const double BusyShare = 0.6;

    /// <summary>One measurement: per routed turn, time and allocation; per remembered conversation, memory.</summary>
    public sealed record Result(int Replicas, int Conversations, int Turns, double MicrosecondsPerTurn, double BytesPerTurn, double BytesPerConversation);

    public static Result Measure(int replicas, int slots, int conversations, int turns)
    {
        // The keys are made inside the measured memory: the map keeps them (a conversation id as text), the array is subtracted.
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var keys = Enumerable.Range(0, conversations).Select(i => new Guid(i, 0, 0, new byte[8]).ToString()).ToArray();
        var router = ReplicaRouterPolicy.NewRouter(replicas, slots, affinityCapacity: conversations);
        foreach (var key in keys)
        {
            Route(router, key).Dispose();
        }

        var bytesPerConversation = (GC.GetTotalMemory(forceFullCollection: true) - memoryBefore - ((long)IntPtr.Size * conversations)) / (double)conversations;
        var held = new Queue<ReplicaLease>();
        var hold = (int)(BusyShare * replicas * slots);
        var random = new Random(12);
        for (var i = 0; i < hold; i++)
        {
            held.Enqueue(Route(router, keys[random.Next(conversations)]));
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < turns; i++)
        {
            // A turn starts and the oldest running one ends: the load stays where it is.
            held.Enqueue(Route(router, keys[random.Next(conversations)]));
            held.Dequeue().Dispose();
        }

        var elapsedMs = Clock.MsSince(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.KeepAlive(router);
        return new Result(replicas, conversations, turns, elapsedMs * 1000 / turns, allocated / (double)turns, bytesPerConversation);
    }

    private static ReplicaLease Route(ReplicaRouter router, string key)
    {
        var pending = router.TryRouteAsync(key);
        return pending.IsCompletedSuccessfully && pending.Result is { } lease
            ? lease
            : throw new InvalidOperationException("the router found no free slot with 60 % of the slots held");
    }
}
