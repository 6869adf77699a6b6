using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MikuCloud.Api.Limits;

/// <summary>Slot counts in this process's memory: exact for one API process.</summary>
public sealed class InProcessSlotStore : ISlotStore
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> taken = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> TryTakeAsync(string key, int limit, CancellationToken cancellationToken = default)
    {
        var count = taken.GetOrAdd(key, _ => new StrongBox<int>());
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
    public void Release(string key)
    {
        if (taken.TryGetValue(key, out var count))
        {
            // Never below zero, however often a caller releases.
            int now;
            do
            {
                now = Volatile.Read(ref count.Value);
            }
            while (now > 0 && Interlocked.CompareExchange(ref count.Value, now - 1, now) != now);
        }
    }

    /// <inheritdoc />
    public int Taken(string key) => taken.TryGetValue(key, out var count) ? Volatile.Read(ref count.Value) : 0;
}
