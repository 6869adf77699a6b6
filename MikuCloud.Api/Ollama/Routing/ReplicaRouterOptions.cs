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
}
