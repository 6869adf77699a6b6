using System.Diagnostics;
using System.Net;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using StackExchange.Redis;

namespace MikuCloud.Tests.ScaleOut;

/// <summary>
/// The router's state shared through Redis: the replicas' slots are counted across API processes, a conversation's
/// turns find its replica whichever process they reach, and a killed process's slots free themselves.
/// </summary>
public sealed class ScaleOutRoutingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Answers_started_on_two_processes_take_the_free_slots_of_different_replicas()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Ollama:ReplicaSlots"] = "1" });
        var goOn = new TaskCompletionSource();
        cluster.Chat = _ => new FakeChatReply { Pause = (1, goOn.Task) };
        var admin = await cluster.SetupAdminAsync(Ct);
        using var first = cluster.As(admin, 0);
        using var second = cluster.As(admin, 1);
        var a = await ScaleOutLimitsTests.CreateConversationAsync(first);
        var b = await ScaleOutLimitsTests.CreateConversationAsync(first);

        using var one = await first.SendAsync(a, new { content = "first" }, Ct);
        await Poll.UntilAsync(() => cluster.Replicas.Sum(r => r.ChatRequests.Count()) == 1, "the first answer reached a replica", Patience);
        using var two = await second.SendAsync(b, new { content = "second" }, Ct);
        await Poll.UntilAsync(() => cluster.Replicas.Sum(r => r.ChatRequests.Count()) == 2, "the second answer reached a replica", Patience);

        // Each replica has one slot: process 1 saw process 0's lease and took the other replica's.
        Assert.All(cluster.Replicas, r => Assert.Single(r.ChatRequests));
        goOn.SetResult();
        Assert.Contains(await Sse.AllAsync(one, Ct), e => e.Name == "done");
        Assert.Contains(await Sse.AllAsync(two, Ct), e => e.Name == "done");
    }

    [Fact]
    public async Task A_conversations_turns_go_back_to_its_replica_whichever_process_they_reach()
    {
        await using var cluster = await ScaleOutCluster.StartAsync([]);
        var admin = await cluster.SetupAdminAsync(Ct);
        using var zero = cluster.As(admin, 0);
        var a = await ScaleOutLimitsTests.CreateConversationAsync(zero);
        var b = await ScaleOutLimitsTests.CreateConversationAsync(zero);
        // a on replica 0 (the first of two idle ones); b on replica 1 (the one holding fewer conversations).
        await AskAsync(zero, a, "a1");
        await AskAsync(zero, b, "b1");
        for (var process = 1; process < 3; process++)
        {
            using var client = cluster.As(admin, process);
            await AskAsync(client, b, $"b{process + 1}");
        }

        string[] QuestionsOn(FakeOllama replica) => [.. replica.ChatRequests.Select(r => r["messages"]!.AsArray().Last()!["content"]!.GetValue<string>()).Order()];
        Assert.Equal(["a1"], QuestionsOn(cluster.Replicas[0]));
        Assert.Equal(["b1", "b2", "b3"], QuestionsOn(cluster.Replicas[1]));
    }

    [Fact]
    public async Task A_killed_processes_slots_free_themselves_when_their_leases_expire()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Limits:ConcurrentStreams"] = "1", ["ScaleOut:LeaseSeconds"] = "3" }, processes: 1);
        await using var child = await ApiProcess.StartAsync(cluster.ChildSettings(), Ct);
        cluster.Chat = body => body.ToJsonString().Contains("hold on", StringComparison.Ordinal)
            ? new FakeChatReply { Pause = (1, Task.Delay(Timeout.Infinite, Ct)) }
            : new FakeChatReply();
        var admin = await cluster.SetupAdminAsync(Ct);
        using var doomed = cluster.As(admin, child.Address);
        using var survivor = cluster.As(admin, 0);
        var a = await ScaleOutLimitsTests.CreateConversationAsync(survivor);
        var b = await ScaleOutLimitsTests.CreateConversationAsync(survivor);
        using var held = await doomed.SendAsync(a, new { content = "hold on" }, Ct);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        await Poll.UntilAsync(() => cluster.Replicas.Sum(r => r.ChatRequests.Count()) == 1, "the first answer reached a replica", Patience);
        using (var refused = await survivor.SendAsync(b, new { content = "meanwhile" }, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(ProblemCodes.TooManyStreams, await ScaleOutLimitsTests.CodeOf(refused));
        }

        Assert.Equal(1, await LiveLeasesAsync(cluster, "replica:"));
        child.Kill();
        var killed = Stopwatch.StartNew();
        while (true)
        {
            using var attempt = await survivor.SendAsync(b, new { content = "now?" }, Ct);
            if (attempt.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains(await Sse.AllAsync(attempt, Ct), e => e.Name == "done");
                break;
            }

            Assert.Equal(ProblemCodes.TooManyStreams, await ScaleOutLimitsTests.CodeOf(attempt));
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60), "the dead process's stream slot never freed itself");
            await Task.Delay(250, Ct);
        }

        output.WriteLine($"the user could stream again {killed.Elapsed.TotalSeconds:F1} s after the kill (lease 3 s)");
        // The dead process's replica slot went the same way: no live lease is left on any replica.
        await Poll.UntilAsync(async () => await LiveLeasesAsync(cluster, "replica:") == 0, "the dead process's replica lease expired", Patience);
    }

    [Fact]
    public async Task An_answer_longer_than_its_lease_keeps_its_slots_while_its_process_renews_them()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Limits:ConcurrentStreams"] = "1", ["ScaleOut:LeaseSeconds"] = "1" }, processes: 2);
        var finish = new TaskCompletionSource();
        cluster.Chat = body => body.ToJsonString().Contains("a long answer", StringComparison.Ordinal)
            ? new FakeChatReply { Pause = (1, finish.Task) }
            : new FakeChatReply();
        var admin = await cluster.SetupAdminAsync(Ct);
        using var first = cluster.As(admin, 0);
        using var second = cluster.As(admin, 1);
        var a = await ScaleOutLimitsTests.CreateConversationAsync(first);
        var b = await ScaleOutLimitsTests.CreateConversationAsync(first);
        using var streaming = await first.SendAsync(a, new { content = "a long answer" }, Ct);
        Assert.Equal(HttpStatusCode.OK, streaming.StatusCode);
        await Poll.UntilAsync(() => cluster.Replicas.Sum(r => r.ChatRequests.Count()) == 1, "the first answer reached a replica", Patience);

        // Three lease times later the answer is still streaming: its process renewed its leases every third of a second.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        using (var refused = await second.SendAsync(b, new { content = "meanwhile" }, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(ProblemCodes.TooManyStreams, await ScaleOutLimitsTests.CodeOf(refused));
        }

        Assert.Equal(1, await LiveLeasesAsync(cluster, "replica:"));
        finish.SetResult();
        Assert.Contains(await Sse.AllAsync(streaming, Ct), e => e.Name == "done");
        // Its end gives both back (fire-and-forget, so looked for), and the next stream is the user's.
        await Poll.UntilAsync(async () => await LiveLeasesAsync(cluster, "") == 0, "every lease was given back", Patience);
        await AskAsync(second, b, "now");
    }

    private static async Task AskAsync(HttpClient client, Guid conversation, string question)
    {
        using var answer = await client.SendAsync(conversation, new { content = question }, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(await Sse.AllAsync(answer, Ct), e => e.Name == "done");
    }

    /// <summary>Unexpired slot leases under keys starting with <paramref name="kind"/>, read from Redis as an operator would.</summary>
    private static async Task<long> LiveLeasesAsync(ScaleOutCluster cluster, string kind)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(PrivateRedis.Shared!.ConnectionString);
        var server = redis.GetServers()[0];
        var now = new DateTimeOffset(await server.TimeAsync(), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var total = 0L;
        await foreach (var key in server.KeysAsync(pattern: $"{cluster.KeyPrefix}slots:{kind}*"))
        {
            total += await redis.GetDatabase().SortedSetLengthAsync(key, min: now, exclude: Exclude.Start);
        }

        return total;
    }

}
