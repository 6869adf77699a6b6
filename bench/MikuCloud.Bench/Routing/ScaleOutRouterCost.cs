using System.Diagnostics;
using System.Security.Cryptography;
using MikuCloud.Api.Ollama.Routing;
using MikuCloud.Api.ScaleOut;
using MikuCloud.Testing;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// The router's cost per turn with its state in Redis (scale-out, <c>ConnectionStrings:redis</c>), side by side with
/// the router in process: the same turns (route + release, <see cref="RouterCost.BusyShare"/> of the slots held,
/// conversations drawn from a full affinity map), by one caller, then by <see cref="Processes"/> API processes with
/// <see cref="CallersPerProcess"/> callers each at once. Redis is a redis-server of its own on loopback (this machine's
/// cores, no network): its commands, CPU and memory come from its INFO.
/// </summary>
public static class ScaleOutRouterCost
{
    /// <summary>API processes in the concurrent rows; each has its own router (and, with Redis, its own connection).</summary>
    public const int Processes = 4;

    public const int CallersPerProcess = 4;

    private const int Seed = 12;

    /// <summary>
    /// The commands an API process sends: GET (the shared map), the take and renewal scripts (EVALSHA; EVAL until
    /// StackExchange.Redis has loaded one), SETEX (StackExchange.Redis's SET with a TTL), ZREM (release).
    /// </summary>
    private static readonly string[] Sent = ["get", "evalsha", "eval", "setex", "zrem"];

    /// <summary>
    /// One replica count: the turns measured, and what Redis keeps and renews; <c>NotMeasured</c> says why there are no
    /// Redis rows (no redis-server here, or it failed), null when there are.
    /// </summary>
    public sealed record Result(int Replicas, int Conversations, IReadOnlyList<TurnCost> Rows, RedisFootprint? Redis, string? NotMeasured);

    /// <summary>One way of routing the same turns; <c>Store</c> is where slots and affinity live: "in process" or "Redis".</summary>
    public sealed record TurnCost(string Store, int Processes, int Callers, int Turns, Summary Microseconds, double TurnsPerSecond, RedisWork? Redis);

    /// <summary>Redis's side of <c>Count</c> operations (turns or renewals), per operation.</summary>
    public sealed record RedisWork(IReadOnlyDictionary<string, double> Commands, double CpuMicroseconds)
    {
        /// <summary>Commands the API process sent (round trips and fire-and-forget alike).</summary>
        public double SentCommands => Commands.Where(c => Sent.Contains(c.Key)).Sum(c => c.Value);

        /// <summary>Commands Redis ran, the scripts' own calls (TIME, ZCARD, ZADD…) included.</summary>
        public double RunCommands => Commands.Values.Sum();

        public static RedisWork Between(RedisStats before, RedisStats after, int count) =>
            new(after.CallsSince(before).ToDictionary(c => c.Key, c => c.Value / (double)count), (after.CpuSeconds - before.CpuSeconds) * 1e6 / count);
    }

    /// <summary>
    /// What Redis keeps per conversation (<c>used_memory</c> before and after every conversation was routed once), its
    /// keys then, and the keeper's renewal (<see cref="RedisSlotKeeper"/>: once a second per API process, every replica's
    /// key in one batch), with <see cref="RouterCost.BusyShare"/> of the slots held by the process.
    /// </summary>
    public sealed record RedisFootprint(double BytesPerConversation, long Keys, Summary RenewalMilliseconds, RedisWork PerRenewal);

    public static async Task<Result> MeasureAsync(int replicas, int slots, int conversations, int turns)
    {
        var keys = Enumerable.Range(0, conversations).Select(i => new Guid(i, 0, 0, new byte[8]).ToString()).ToArray();
        var hold = (int)(RouterCost.BusyShare * replicas * slots);
        // In process each API process counts its own slots: each holds the share of its own.
        var alone = Enumerable.Range(0, Processes).Select(_ => ReplicaRouterPolicy.NewRouter(replicas, slots)).ToList();
        await Task.WhenAll(alone.Select(router => new TurnDriver([router], keys, Seed).RememberAllAsync(callers: 1)));
        List<TurnCost> rows = [await InProcessAsync(alone[..1], keys, hold, 1, turns), await InProcessAsync(alone, keys, hold * Processes, CallersPerProcess, turns)];
        PrivateRedis? server;
        try
        {
            server = PrivateRedis.Start();
        }
        catch (InvalidOperationException ex)
        {
            return new Result(replicas, conversations, rows, null, ex.Message);
        }

        if (server is null)
        {
            return new Result(replicas, conversations, rows, null, PrivateRedis.NotInstalled);
        }

        using (server)
        {
            // A fresh prefix as long as the default "mikucloud:", so a conversation's key is as long as deployed.
            var settings = new ScaleOutOptions { KeyPrefix = "b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ":" };
            var processes = new List<ScaleOutProcess>();
            try
            {
                for (var i = 0; i < Processes; i++)
                {
                    processes.Add(await ScaleOutProcess.ConnectAsync(server.ConnectionString, settings, replicas, slots));
                }

                // StackExchange.Redis sends INFO only on a connection allowed admin commands; the API's are not.
                await using var observer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
                var info = observer.GetServers()[0];
                var empty = await RedisStats.ReadAsync(info);
                await new TurnDriver([processes[0].Router], keys, Seed).RememberAllAsync(callers: Processes * CallersPerProcess);
                await processes[0].SettleAsync();
                var remembered = await RedisStats.ReadAsync(info);
                var keyCount = await info.DatabaseSizeAsync();
                rows.Add(await InRedisAsync(info, processes[..1], keys, hold, 1, turns));
                rows.Add(await InRedisAsync(info, processes, keys, hold, CallersPerProcess, turns));
                var (renewal, perRenewal) = await RenewalAsync(info, processes[0], keys, hold);
                var footprint = new RedisFootprint((remembered.UsedMemory - empty.UsedMemory) / (double)conversations, keyCount, renewal, perRenewal);
                return new Result(replicas, conversations, rows, footprint, null);
            }
            finally
            {
                foreach (var process in processes)
                {
                    await process.DisposeAsync();
                }
            }
        }
    }

    private static async Task<TurnCost> InProcessAsync(List<ReplicaRouter> routers, string[] keys, int held, int callersPerRouter, int turns)
    {
        var driver = new TurnDriver(routers, keys, Seed);
        await driver.HoldAsync(held);
        var timing = await driver.RunAsync(callersPerRouter, turns);
        driver.ReleaseAll();
        return new TurnCost("in process", routers.Count, routers.Count * callersPerRouter, timing.Microseconds.Count, timing.Microseconds, timing.TurnsPerSecond, null);
    }

    private static async Task<TurnCost> InRedisAsync(StackExchange.Redis.IServer info, List<ScaleOutProcess> processes, string[] keys, int held,
        int callersPerRouter, int turns)
    {
        var driver = new TurnDriver([.. processes.Select(p => p.Router)], keys, Seed);
        await driver.HoldAsync(held);
        await SettleAsync(processes);
        var before = await RedisStats.ReadAsync(info);
        var timing = await driver.RunAsync(callersPerRouter, turns);
        await SettleAsync(processes);
        var after = await RedisStats.ReadAsync(info);
        driver.ReleaseAll();
        await SettleAsync(processes);
        var count = timing.Microseconds.Count;
        return new TurnCost("Redis", processes.Count, processes.Count * callersPerRouter, count, timing.Microseconds, timing.TurnsPerSecond, RedisWork.Between(before, after, count));
    }

    /// <summary>The keeper's work, timed apart from the turns: it runs once a second per process, not once a turn.</summary>
    private static async Task<(Summary Milliseconds, RedisWork Work)> RenewalAsync(StackExchange.Redis.IServer info, ScaleOutProcess process, string[] keys, int hold)
    {
        const int Renewals = 20;
        var driver = new TurnDriver([process.Router], keys, Seed);
        await driver.HoldAsync(hold);
        // The first renewal loads the script (EVAL, SCRIPT LOAD); the keeper's later ones are what it costs.
        await process.Slots.RenewAsync();
        var before = await RedisStats.ReadAsync(info);
        var times = new List<double>();
        for (var i = 0; i < Renewals; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await process.Slots.RenewAsync();
            times.Add(Clock.MsSince(started));
        }

        var after = await RedisStats.ReadAsync(info);
        driver.ReleaseAll();
        await process.SettleAsync();
        return (Summary.Of(times), RedisWork.Between(before, after, Renewals));
    }

    private static Task SettleAsync(List<ScaleOutProcess> processes) => Task.WhenAll(processes.Select(p => p.SettleAsync()));
}
