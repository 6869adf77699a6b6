using System.Collections.Concurrent;

namespace MikuCloud.Api.Limits;

/// <summary>
/// Tokens each user spent in the last minute (prompt + answer, from Ollama's counters when a turn ends). A new
/// turn is refused while the sum is at the limit, with the time until enough of it ages out. Per API instance.
/// </summary>
public sealed class TokenBudget(UserLimits limits, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Queue<(DateTimeOffset At, long Tokens)>> spent = new();

    /// <summary>Null when the user may start a turn; otherwise how long to wait.</summary>
    public TimeSpan? RetryAfter(string userId)
    {
        if (limits.Tokens <= 0 || !spent.TryGetValue(userId, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            var total = queue.Sum(e => e.Tokens);
            if (total < limits.Tokens)
            {
                return null;
            }

            // Walk forward until what is left is under the limit: that entry's expiry is when a turn may start.
            foreach (var (at, tokens) in queue)
            {
                total -= tokens;
                if (total < limits.Tokens)
                {
                    return at + Window - now;
                }
            }

            return Window;
        }
    }

    public void Record(string userId, long tokens)
    {
        if (limits.Tokens <= 0 || tokens <= 0)
        {
            return;
        }

        var queue = spent.GetOrAdd(userId, _ => new Queue<(DateTimeOffset, long)>());
        lock (queue)
        {
            var now = time.GetUtcNow();
            Prune(queue, now);
            queue.Enqueue((now, tokens));
        }
    }

    private static void Prune(Queue<(DateTimeOffset At, long Tokens)> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek().At <= now - Window)
        {
            queue.Dequeue();
        }
    }
}
