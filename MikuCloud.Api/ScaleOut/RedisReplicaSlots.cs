using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// The replicas' generation slots as leases every API process sees: the cluster's turns on a replica are bounded by its
/// slots, not each process's share, and a dead process's slots free themselves.
/// </summary>
public sealed class RedisReplicaSlots(RedisSlotStore store) : IReplicaSlots
{
    /// <inheritdoc />
    public ValueTask<bool> TryTakeAsync(Uri replica, int limit, CancellationToken cancellationToken = default)
    {
        var key = Key(replica);
        store.Watch(key);
        return store.TryTakeAsync(key, limit, cancellationToken);
    }

    /// <inheritdoc />
    public void Release(Uri replica) => store.Release(Key(replica));

    /// <inheritdoc />
    public int Busy(Uri replica)
    {
        var key = Key(replica);
        store.Watch(key);
        return store.Taken(key);
    }

    private static string Key(Uri replica) => "replica:" + replica.GetLeftPart(UriPartial.Authority);
}
