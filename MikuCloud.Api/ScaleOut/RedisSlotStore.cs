using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Limits;
using StackExchange.Redis;

namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// Slots as leases in Redis, shared by every API process: each key is a sorted set of lease ids by expiry. This process
/// renews the leases it holds every second (<see cref="RedisSlotKeeper"/>); a process that dies stops renewing, and its
/// leases expire after <see cref="ScaleOutOptions.LeaseSeconds"/>, freeing the slots without anyone cleaning up.
/// </summary>
public sealed class RedisSlotStore(IConnectionMultiplexer redis, IOptions<ScaleOutOptions> options) : ISlotStore
{
    /// <summary>Lease ids this process holds, per key (slots of one key are interchangeable, so any one is given back).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentStack<string>> held = new(StringComparer.Ordinal);

    /// <summary>Live leases per key (every process's), as last counted.</summary>
    private readonly ConcurrentDictionary<string, int> seen = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, byte> watched = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<bool> TryTakeAsync(string key, int limit, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.Take, [Key(key)],
            [id, limit, (long)options.Value.Lease.TotalMilliseconds]))!;
        seen[key] = (int)result[1];
        if ((int)result[0] != 1)
        {
            return false;
        }

        held.GetOrAdd(key, _ => new ConcurrentStack<string>()).Push(id);
        return true;
    }

    /// <inheritdoc />
    public void Release(string key)
    {
        if (!held.TryGetValue(key, out var ids) || !ids.TryPop(out var id))
        {
            return;
        }

        seen.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));
        try
        {
            // Fire and forget: a release Redis never hears of expires with the lease.
            redis.GetDatabase().SortedSetRemove(Key(key), id, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // not connected: the lease expires
        }
    }

    /// <inheritdoc />
    public int Taken(string key) => seen.GetValueOrDefault(key);

    /// <summary>Counts <paramref name="key"/>'s live leases on every renewal, held here or not (a replica's slots for the router's ranking).</summary>
    public void Watch(string key) => watched.TryAdd(key, 0);

    /// <summary>Renews this process's leases and recounts the held and watched keys, in one round trip.</summary>
    public async Task RenewAsync()
    {
        var lease = (long)options.Value.Lease.TotalMilliseconds;
        var keys = held.Where(h => !h.Value.IsEmpty).Select(h => h.Key).Union(watched.Keys).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var batch = redis.GetDatabase().CreateBatch();
        var counts = keys.Select(key =>
        {
            RedisValue[] ids = held.TryGetValue(key, out var stack) ? [lease, .. stack.Select(id => (RedisValue)id)] : [lease];
            return (Key: key, Count: batch.ScriptEvaluateAsync(RedisScripts.Renew, [Key(key)], ids));
        }).ToList();
        batch.Execute();
        foreach (var (key, count) in counts)
        {
            seen[key] = (int)await count;
        }
    }

    private RedisKey Key(string key) => options.Value.KeyPrefix + "slots:" + key;
}
