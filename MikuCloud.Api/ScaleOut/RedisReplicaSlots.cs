using System.Collections.Concurrent;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// The replicas' generation slots as leases every API process sees: the cluster's turns on a replica are bounded by its
/// slots, not each process's share, and a dead process's slots free themselves.
/// </summary>
public sealed class RedisReplicaSlots(RedisSlotStore store) : IReplicaSlots
{
    /// <summary>
    /// Each replica's key, made (and watched, so the keeper counts it every second) once: the router asks
    /// <see cref="Busy"/> for every replica on every turn.
    /// </summary>
    private readonly ConcurrentDictionary<Uri, string> keys = new();

    /// <inheritdoc />
    public ValueTask<bool> TryTakeAsync(Uri replica, int limit, CancellationToken cancellationToken = default) =>
        store.TryTakeAsync(Key(replica), limit, cancellationToken);

    /// <inheritdoc />
    public void Release(Uri replica) => store.Release(Key(replica));

    /// <inheritdoc />
    public int Busy(Uri replica) => store.Taken(Key(replica));

    private string Key(Uri replica) => keys.GetOrAdd(replica, static (r, watch) =>
    {
        var key = "replica:" + r.GetLeftPart(UriPartial.Authority);
        watch.Watch(key);
        return key;
    }, store);
}
