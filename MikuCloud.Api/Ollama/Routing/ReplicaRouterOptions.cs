namespace MikuCloud.Api.Ollama.Routing;

/// <summary>How a <see cref="ReplicaRouter"/> behaves at its limits.</summary>
public sealed record ReplicaRouterOptions
{
    /// <summary>
    /// Conversations whose replica is remembered; the least recently routed is forgotten first (its next turn is routed
    /// as new). 100 000 keys cost about 20 MB; a forgotten conversation's prefix has usually left the KV cache anyway.
    /// </summary>
    public int AffinityCapacity { get; init; } = 100_000;

    /// <summary>
    /// When every healthy replica is full: false — <see cref="ReplicaRouter.TryRouteAsync"/> answers null; true — the
    /// turn goes to the least-loaded one anyway (Ollama queues it), as a single endpoint behaves today when more
    /// generations are admitted than it has slots.
    /// </summary>
    public bool OvercommitWhenFull { get; init; }

    /// <summary>
    /// Affinity patience: how many turns of returning conversations may wait in a replica's own queue beyond its
    /// slots (Ollama queues them) before the next returning turn spills to another replica. A queued turn waits for
    /// the first of the replica's answers to end, a few seconds; a spilled one prefills the whole conversation,
    /// pictures included, on another replica, and the conversation's cache moves with it. 0: spill as soon as the
    /// replica is full. New conversations never take these places.
    /// </summary>
    public int AffinityQueueSlots { get; init; } = 1;
}
