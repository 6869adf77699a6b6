using MikuCloud.Api.Limits;

namespace MikuCloud.Api.Ollama.Routing;

/// <summary>Slot counts in this process: exact for one API process (and for routers of a simulation sharing one instance).</summary>
public sealed class InProcessReplicaSlots : IReplicaSlots
{
    private readonly InProcessSlotStore store = new();

    /// <inheritdoc />
    public ValueTask<bool> TryTakeAsync(Uri replica, int limit, CancellationToken cancellationToken = default) =>
        store.TryTakeAsync(replica.AbsoluteUri, limit, cancellationToken);

    /// <inheritdoc />
    public void Release(Uri replica) => store.Release(replica.AbsoluteUri);

    /// <inheritdoc />
    public int Busy(Uri replica) => store.Taken(replica.AbsoluteUri);
}
