using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Batches;

/// <summary>
/// The queue lives in the database: a batch survives its API stopping, a dead worker's claim is taken over, and two
/// API processes on one PostgreSQL share a batch — each item answered once, none lost.
/// </summary>
public class BatchSharedQueueTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_batch_resumes_on_the_next_api_after_the_first_stopped_mid_way_with_no_item_done_twice_or_lost()
    {
        await using var second = new ApiFactory();
        // A short lease: should the first API die before giving its claims back (a slow stop on a loaded machine), the
        // second takes them over in seconds, not minutes (and the attempt check below says so).
        second.Settings["Batches:ClaimLease"] = "00:00:10";
        await second.InitializeAsync();
        var first = new ApiFactory();
        first.Settings["ConnectionStrings:chatdb"] = second.DatabaseConnectionString;
        first.Settings["Batches:ClaimLease"] = "00:00:10";
        await first.InitializeAsync();
        foreach (var ollama in new[] { first.Ollama, second.Ollama })
        {
            ollama.Chat = request => new FakeChatReply { Chunks = [BatchTestData.ImageKey(request)], FirstChunkDelay = TimeSpan.FromMilliseconds(100) };
        }

        Guid id;
        int cancelledOnFirst;
        await using (first)
        {
            using var client = first.CreateClient();
            id = (await client.CreateBatchAsync("Caption.", BatchTestData.Images(40), cancellationToken: Ct))["batch"]!["id"]!.GetValue<Guid>();
            await Poll.UntilAsync(async () => (await client.BatchAsync(id, Ct))["completed"]!.GetValue<int>() >= 8, "timed out", TimeSpan.FromSeconds(60));
        }

        cancelledOnFirst = first.Ollama.ChatCancellations;
        var answeredFirst = first.Ollama.ChatRequests.Count();
        using (var client = second.CreateClient())
        {
            var done = (await client.FollowAsync(id, TimeSpan.FromMinutes(2), cancellationToken: Ct))[^1].Data!;
            Assert.Equal(("completed", 40, 0), (done["status"]!.GetValue<string>(), done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));
        }

        var requests = first.Ollama.ChatRequests.Concat(second.Ollama.ChatRequests).Select(BatchTestData.ImageKey).ToList();
        output.WriteLine($"first API: {answeredFirst} requests ({cancelledOnFirst} stopped at shutdown); second: {second.Ollama.ChatRequests.Count()}");
        Assert.Equal(40, requests.Distinct().Count()); // none lost
        // None done twice: an image reached the model again only if its first request was stopped when the API stopped.
        Assert.True(requests.Count - 40 <= cancelledOnFirst, $"{requests.Count} requests for 40 items, {cancelledOnFirst} stopped");
        var items = await second.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).OrderBy(i => i.Index)
            .Select(i => new { i.Answer, i.Attempts, i.Status }).ToListAsync(Ct));
        Assert.Equal(40, items.Select(i => i.Answer).Distinct().Count());
        Assert.All(items, i => Assert.Equal(("completed", 1), (i.Status, i.Attempts))); // a claim given back at shutdown is not an attempt
    }

    [Fact]
    public async Task A_claim_whose_worker_died_expires_and_the_item_is_answered_by_another()
    {
        await using var api = new ApiFactory();
        await api.InitializeAsync();
        using var client = api.CreateClient();
        var created = await client.CreateBatchAsync("Caption.", BatchTestData.Images(3), new() { ["start"] = "false" }, Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        var orphan = created["added"]![0]!["id"]!.GetValue<Guid>();
        // A worker on another machine claimed the item a while ago and died: its lease ran out a minute ago.
        await api.WithDbAsync(db => db.BatchItems.Where(i => i.Id == orphan).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, "running")
            .SetProperty(i => i.ClaimedBy, "dead-worker").SetProperty(i => i.Attempts, 1).SetProperty(i => i.ClaimExpiresAt, DateTime.UtcNow.AddMinutes(-1)), Ct));

        using (var start = await client.PostAsync($"/api/batches/{id}/start", null, Ct))
        {
            start.EnsureSuccessStatusCode();
        }

        var done = (await client.FollowAsync(id, TimeSpan.FromMinutes(1), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", 3), (done["status"]!.GetValue<string>(), done["completed"]!.GetValue<int>()));
        var taken = await api.WithDbAsync(db => db.BatchItems.SingleAsync(i => i.Id == orphan, Ct));
        Assert.Equal((2, null), (taken.Attempts, taken.ClaimedBy));
        Assert.Equal(3, api.Ollama.ChatRequests.Count());
    }

    [Fact]
    public async Task Two_apis_on_one_postgresql_share_a_batch_with_no_duplicates()
    {
        await using var database = new PostgresTestDatabase();
        await database.CreateAsync();
        await using var a = new ApiFactory();
        await using var b = new ApiFactory();
        foreach (var api in new[] { a, b })
        {
            database.Configure(api);
            api.Settings["Batches:PollInterval"] = "00:00:00.2";
            await api.InitializeAsync();
            api.Ollama.Chat = request => new FakeChatReply { Chunks = [BatchTestData.ImageKey(request)], FirstChunkDelay = TimeSpan.FromMilliseconds(150) };
        }

        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient(); // starts the second API and its worker
        var id = (await clientA.CreateBatchAsync("Caption.", BatchTestData.Images(60), cancellationToken: Ct))["batch"]!["id"]!.GetValue<Guid>();
        var done = (await clientA.FollowAsync(id, TimeSpan.FromMinutes(2), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", 60, 0), (done["status"]!.GetValue<string>(), done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));

        var (onA, onB) = (a.Ollama.ChatRequests.Select(BatchTestData.ImageKey).ToList(), b.Ollama.ChatRequests.Select(BatchTestData.ImageKey).ToList());
        output.WriteLine($"API A answered {onA.Count} items, API B {onB.Count}");
        Assert.Equal(60, onA.Count + onB.Count); // each item reached the model exactly once
        Assert.Equal(60, onA.Concat(onB).Distinct().Count());
        Assert.True(onA.Count > 0 && onB.Count > 0, "both APIs should have answered items");
    }
}
