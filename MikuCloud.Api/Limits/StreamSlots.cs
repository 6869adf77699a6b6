namespace MikuCloud.Api.Limits;

/// <summary>
/// Answers being generated per user, bounded by <see cref="UserLimits.ConcurrentStreams"/>, counted in
/// <see cref="ISlotStore"/>: this process, or every API process sharing one Redis.
/// </summary>
public sealed class StreamSlots(UserLimits limits, ISlotStore store)
{
    /// <summary>A slot to dispose when the answer ends, or null when the user already has the maximum running.</summary>
    public async ValueTask<IDisposable?> TryEnterAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (limits.Streams <= 0)
        {
            return Slot.None;
        }

        var key = $"streams:{userId}";
        return await store.TryTakeAsync(key, limits.Streams, cancellationToken) ? new Slot(store, key) : null;
    }

    private sealed class Slot(ISlotStore? store, string key) : IDisposable
    {
        public static readonly Slot None = new(null, "");
        private int disposed;

        public void Dispose()
        {
            if (store is not null && Interlocked.Exchange(ref disposed, 1) == 0)
            {
                store.Release(key);
            }
        }
    }
}
