using System.Collections.Concurrent;

namespace MikuCloud.Api.Limits;

/// <summary>Answers being generated per user on this instance, bounded by <see cref="UserLimits.ConcurrentStreams"/>.</summary>
public sealed class StreamSlots(UserLimits limits)
{
    private readonly ConcurrentDictionary<string, int> counts = new();

    /// <summary>A slot to dispose when the answer ends, or null when the user already has the maximum running.</summary>
    public IDisposable? TryEnter(string userId)
    {
        if (limits.Streams <= 0)
        {
            return Slot.None;
        }

        while (true)
        {
            var current = counts.GetOrAdd(userId, 0);
            if (current >= limits.Streams)
            {
                return null;
            }

            if (counts.TryUpdate(userId, current + 1, current))
            {
                return new Slot(this, userId);
            }
        }
    }

    private void Leave(string userId) => counts.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Slot(StreamSlots? owner, string userId) : IDisposable
    {
        public static readonly Slot None = new(null, "");
        private int disposed;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Leave(userId);
            }
        }
    }
}
