namespace MikuCloud.Api.Ollama.Routing;

/// <summary>
/// One slot of the replica a turn was routed to, held while the turn runs; <see cref="Dispose"/> gives it back
/// (once, however often it is called).
/// </summary>
public sealed class ReplicaLease : IDisposable
{
    private readonly IReplicaSlots slots;
    private int released;

    internal ReplicaLease(IReplicaSlots slots, Uri replica, ReplicaRoute route, bool overcommitted) =>
        (this.slots, Replica, Route, Overcommitted) = (slots, replica, route, overcommitted);

    /// <summary>The replica's base address: where the turn's chat call goes.</summary>
    public Uri Replica { get; }

    /// <summary>Why the turn went there.</summary>
    public ReplicaRoute Route { get; }

    /// <summary>Whether the turn came back to the replica holding its conversation (its prefix is likely cached there).</summary>
    public bool AffinityHit => Route == ReplicaRoute.Affinity;

    /// <summary>
    /// Whether every healthy replica was full and the router sent the turn anyway (to the least loaded, where Ollama
    /// queues it), as <see cref="ReplicaRouterOptions.OvercommitWhenFull"/> allows.
    /// </summary>
    public bool Overcommitted { get; }

    /// <summary>Gives the slot back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            slots.Release(Replica);
        }
    }
}
