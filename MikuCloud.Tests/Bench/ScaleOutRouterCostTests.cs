extern alias bench;

using bench::MikuCloud.Bench.Routing;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Bench;

/// <summary>
/// The routing benchmark's router with Redis (bench/MikuCloud.Bench/Routing/ScaleOutRouterCost.cs), on a small scale:
/// its Redis rows really go through Redis, and what it reports per turn and per conversation is what Redis counted.
/// </summary>
public sealed class ScaleOutRouterCostTests
{
    [Fact]
    public async Task The_router_with_Redis_is_measured_beside_the_one_in_process_with_each_turns_commands_and_each_conversations_key()
    {
        Assert.SkipUnless(PrivateRedis.Installed, PrivateRedis.NotInstalled);

        var result = await ScaleOutRouterCost.MeasureAsync(replicas: 8, slots: 4, conversations: 2_000, turns: 1_600);

        Assert.Null(result.NotMeasured);
        Assert.Equal(["in process", "in process", "Redis", "Redis"], result.Rows.Select(r => r.Store));
        foreach (var row in result.Rows.Where(r => r.Store == "Redis"))
        {
            var perTurn = row.Redis!.Commands;
            // A turn reads its conversation's replica, writes it back with its TTL and ends the oldest running turn…
            Assert.Equal(1.0, perTurn["get"]);
            Assert.Equal(1.0, perTurn["setex"]);
            Assert.Equal(1.0, perTurn["zrem"]);
            // …and takes a slot with a script: once, or again where another process filled the replica meanwhile.
            Assert.InRange(perTurn["evalsha"], 1.0, 2.0);
            var inProcess = result.Rows.Single(r => r.Store == "in process" && r.Processes == row.Processes);
            Assert.True(row.Microseconds.P50 > inProcess.Microseconds.P50, $"Redis p50 {row.Microseconds.P50} µs vs in process {inProcess.Microseconds.P50} µs");
            Assert.True(row.TurnsPerSecond > 0);
        }

        var redis = result.Redis!;
        Assert.InRange(redis.Keys, 2_000, 2_000 + 8);
        Assert.InRange(redis.BytesPerConversation, 50, 1_000);
        // A renewal is one script per replica: this process counts every replica's leases, held here or not.
        Assert.Equal(8, redis.PerRenewal.SentCommands);
    }
}
