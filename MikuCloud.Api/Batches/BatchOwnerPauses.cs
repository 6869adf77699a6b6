using System.Collections.Concurrent;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Owners whose batch items wait because their token budget for the minute is spent: until then the worker claims
/// no item of theirs, and every other user's items go on. Per process, like the budget itself.
/// </summary>
public sealed class BatchOwnerPauses(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> until = new();

    /// <summary>The owner's items wait <paramref name="wait"/> from now (a later pause already set is kept).</summary>
    public void Pause(string owner, TimeSpan wait)
    {
        var end = time.GetUtcNow() + wait;
        until.AddOrUpdate(owner, end, (_, current) => current > end ? current : end);
    }

    /// <summary>The owners paused now; pauses that ended are forgotten.</summary>
    public IReadOnlyCollection<string> Current()
    {
        if (until.IsEmpty)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var paused = new List<string>();
        foreach (var (owner, end) in until)
        {
            if (end > now)
            {
                paused.Add(owner);
            }
            else
            {
                until.TryRemove(KeyValuePair.Create(owner, end));
            }
        }

        return paused;
    }
}
