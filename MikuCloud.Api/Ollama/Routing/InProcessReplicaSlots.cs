using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MikuCloud.Api.Ollama.Routing;

/// <summary>Slot counts in this process: exact for one API process (and for routers of a simulation sharing one instance).</summary>
public sealed class InProcessReplicaSlots : IReplicaSlots
{
    private readonly ConcurrentDictionary<Uri, StrongBox<int>> taken = new();

    /// <inheritdoc />
    public ValueTask<bool> TryTakeAsync(Uri replica, int limit, CancellationToken cancellationToken = default)
    {
        var count = taken.GetOrAdd(replica, _ => new StrongBox<int>());
        while (true)
        {
            var now = Volatile.Read(ref count.Value);
            if (now >= limit)
            {
                return ValueTask.FromResult(false);
            }

            if (Interlocked.CompareExchange(ref count.Value, now + 1, now) == now)
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    /// <inheritdoc />
    public void Release(Uri replica)
    {
        if (taken.TryGetValue(replica, out var count))
        {
            Interlocked.Decrement(ref count.Value);
        }
    }

    /// <inheritdoc />
    public int Busy(Uri replica) => taken.TryGetValue(replica, out var count) ? Volatile.Read(ref count.Value) : 0;
}
