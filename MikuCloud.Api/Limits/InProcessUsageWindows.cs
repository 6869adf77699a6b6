using System.Collections.Concurrent;

namespace MikuCloud.Api.Limits;

/// <summary>
/// Usage windows in this process's memory: an exact log of (time, weight) per key. Exact for one API process; with
/// several, each counts only its own share (configure Redis: <see cref="ScaleOut.ScaleOutSetup"/>).
/// </summary>
public sealed class InProcessUsageWindows(TimeProvider time) : IUsageWindows
{
    /// <summary>Keys kept before the ones whose usage has all aged out are swept (guessing at many names must not grow memory).</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Log> logs = new(StringComparer.Ordinal);
    private DateTimeOffset lastSweep;

    /// <summary>Keys held now (the sweep's bound is observable).</summary>
    public int Count => logs.Count;

    /// <inheritdoc />
    public ValueTask<TimeSpan?> TryAddAsync(string key, long weight, long limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var log = LogFor(key);
        lock (log)
        {
            var now = time.GetUtcNow();
            log.Prune(now, window);
            if (log.Total + weight <= limit)
            {
                log.Add(now, weight);
                return ValueTask.FromResult<TimeSpan?>(null);
            }

            return ValueTask.FromResult<TimeSpan?>(log.UntilBelow(limit - weight + 1, window, now));
        }
    }

    /// <inheritdoc />
    public ValueTask<TimeSpan?> WaitAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        if (!logs.TryGetValue(key, out var log))
        {
            return ValueTask.FromResult<TimeSpan?>(null);
        }

        lock (log)
        {
            var now = time.GetUtcNow();
            log.Prune(now, window);
            return ValueTask.FromResult(log.Total < limit ? null : (TimeSpan?)log.UntilBelow(limit, window, now));
        }
    }

    /// <inheritdoc />
    public ValueTask AddAsync(string key, long weight, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var log = LogFor(key);
        lock (log)
        {
            var now = time.GetUtcNow();
            log.Prune(now, window);
            log.Add(now, weight);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(string key, CancellationToken cancellationToken = default)
    {
        logs.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    private Log LogFor(string key)
    {
        if (logs.TryGetValue(key, out var log))
        {
            return log;
        }

        // Guessing at many names must not grow memory without bound: past the threshold, a new key first sweeps out the
        // keys whose windows hold nothing any more — at most once a minute, so many active keys cost no sweep per request.
        var now = time.GetUtcNow();
        if (logs.Count > SweepAbove && now - lastSweep > TimeSpan.FromMinutes(1))
        {
            lastSweep = now;
            Sweep(now);
        }

        return logs.GetOrAdd(key, _ => new Log());
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, log) in logs)
        {
            lock (log)
            {
                if (log.Window > TimeSpan.Zero && log.Newest + log.Window <= now)
                {
                    logs.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>One key's entries, oldest first (used under its own lock).</summary>
    private sealed class Log
    {
        private readonly Queue<(DateTimeOffset At, long Weight)> entries = new();

        public long Total { get; private set; }

        public DateTimeOffset Newest { get; private set; }

        /// <summary>The window of the last use: once <see cref="Newest"/> is older than it, nothing here counts.</summary>
        public TimeSpan Window { get; private set; }

        public void Add(DateTimeOffset at, long weight)
        {
            entries.Enqueue((at, weight));
            Total += weight;
            Newest = at;
        }

        public void Prune(DateTimeOffset now, TimeSpan window)
        {
            Window = window;
            var cutoff = now - window;
            while (entries.Count > 0 && entries.Peek().At <= cutoff)
            {
                Total -= entries.Dequeue().Weight;
            }
        }

        /// <summary>How long until the total is under <paramref name="limit"/>: walk from the oldest until what is left is.</summary>
        public TimeSpan UntilBelow(long limit, TimeSpan window, DateTimeOffset now)
        {
            var left = Total;
            foreach (var (at, weight) in entries)
            {
                left -= weight;
                if (left < limit)
                {
                    return at + window - now;
                }
            }

            return window;
        }
    }
}
