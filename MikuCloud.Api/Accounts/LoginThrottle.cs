using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Slows password guessing: after <see cref="ApiAuthOptions.MaxFailedSignIns"/> failures for one user name within
/// the window, sign-in for that name answers 429 until the oldest failure ages out. Per user name rather than per
/// address because every sign-in arrives from the Web's address. In memory, per API instance.
/// </summary>
public sealed class LoginThrottle(IOptions<ApiAuthOptions> settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> failures = new();

    /// <summary>How long until this user name may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string normalizedUserName)
    {
        if (!failures.TryGetValue(normalizedUserName, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            Prune(queue);
            return queue.Count >= settings.Value.MaxFailedSignIns
                ? queue.Peek() + settings.Value.FailedSignInWindow - time.GetUtcNow()
                : null;
        }
    }

    public void Failed(string normalizedUserName)
    {
        var queue = failures.GetOrAdd(normalizedUserName, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Prune(queue);
            queue.Enqueue(time.GetUtcNow());
        }

        if (failures.Count > 10_000)
        {
            // Guessing at many names must not grow memory without bound: drop names whose failures all aged out.
            foreach (var (name, q) in failures)
            {
                lock (q)
                {
                    Prune(q);
                    if (q.Count == 0)
                    {
                        failures.TryRemove(name, out _);
                    }
                }
            }
        }
    }

    public void Succeeded(string normalizedUserName) => failures.TryRemove(normalizedUserName, out _);

    private void Prune(Queue<DateTimeOffset> queue)
    {
        var cutoff = time.GetUtcNow() - settings.Value.FailedSignInWindow;
        while (queue.Count > 0 && queue.Peek() <= cutoff)
        {
            queue.Dequeue();
        }
    }
}
