using System.Globalization;
using StackExchange.Redis;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// What a Redis server says about itself (<c>INFO commandstats</c>, <c>memory</c>, <c>cpu</c>) at one moment; the
/// difference between two is what happened in between. Commands run inside a script count under their own names.
/// </summary>
/// <param name="Calls">Calls so far per command, lower case (<c>get</c>, <c>evalsha</c>, <c>zadd</c>…).</param>
/// <param name="UsedMemory">The server's <c>used_memory</c>, bytes.</param>
/// <param name="CpuSeconds">The server's <c>used_cpu_sys</c> + <c>used_cpu_user</c>.</param>
public sealed record RedisStats(IReadOnlyDictionary<string, long> Calls, long UsedMemory, double CpuSeconds)
{
    /// <summary>
    /// Commands that are not the router's: the bench's own INFO and the PING it waits on (a fire-and-forget command is
    /// done once a later one on the same connection has answered).
    /// </summary>
    private static readonly string[] Observer = ["info", "ping"];

    public static async Task<RedisStats> ReadAsync(IServer server)
    {
        var calls = Fields(await server.InfoRawAsync("commandstats"))
            .Where(f => f.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(f => f.Key["cmdstat_".Length..].Replace('|', ' '), f => CallsOf(f.Value));
        var memory = Fields(await server.InfoRawAsync("memory"));
        var cpu = Fields(await server.InfoRawAsync("cpu"));
        return new RedisStats(calls, long.Parse(memory["used_memory"], CultureInfo.InvariantCulture),
            double.Parse(cpu["used_cpu_sys"], CultureInfo.InvariantCulture) + double.Parse(cpu["used_cpu_user"], CultureInfo.InvariantCulture));
    }

    /// <summary>Calls per command since <paramref name="before"/>, the bench's own left out.</summary>
    public Dictionary<string, long> CallsSince(RedisStats before) =>
        Calls.Where(c => !Observer.Contains(c.Key))
            .Select(c => (c.Key, Count: c.Value - before.Calls.GetValueOrDefault(c.Key)))
            .Where(c => c.Count > 0)
            .ToDictionary(c => c.Key, c => c.Count);

    private static Dictionary<string, string> Fields(string? info) =>
        (info ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1]);

    // "calls=12,usec=34,usec_per_call=2.83,rejected_calls=0,failed_calls=0"
    private static long CallsOf(string stats) =>
        long.Parse(stats.Split(',').Single(s => s.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..], CultureInfo.InvariantCulture);
}
