using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Batches;

/// <summary>
/// Several uploads into one draft at once (a client sending its files in parallel chunks), on each database provider:
/// every upload is answered without a 5xx, no item is lost or numbered twice, and the job runs them all — also when
/// the owner starts the batch while uploads are still arriving.
/// </summary>
public abstract class BatchConcurrentUploadTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract TestDatabase CreateDatabase();

    [Fact]
    public async Task Eight_parallel_uploads_to_one_draft_all_succeed_and_the_batch_numbers_and_runs_every_item_once()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using var api = await StartAsync(database);
        using var client = api.CreateClient();
        var id = await NewDraftAsync(client);

        // 8 uploads of 5 files each, and one of 40 (more than one chunk of items), all at once.
        var uploads = Enumerable.Range(0, 8).Select(u => BatchTestData.Images(5, u * 5)).Append(BatchTestData.Images(40, 40)).ToList();
        var answers = await Task.WhenAll(uploads.Select(files => UploadAsync(client, id, files)));

        foreach (var (status, body) in answers)
        {
            output.WriteLine($"{status}: {body[..Math.Min(body.Length, 160)]}");
        }

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"an upload answered {(int)a.Status}: {a.Body}"));
        await AssertNumberedAsync(api, client, id, expected: 80);
        await StartAsync(client, id);
        await AssertAllRunAsync(api, client, id, expected: 80);
        var requests = api.Ollama.ChatRequests.Select(BatchTestData.ImageKey).ToList();
        Assert.Equal((80, 80), (requests.Count, requests.Distinct().Count())); // each image answered once
    }

    [Fact]
    public async Task An_upload_refused_part_way_takes_back_only_its_own_items_while_others_arrive()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using var api = await StartAsync(database);
        using var client = api.CreateClient();
        var id = await NewDraftAsync(client);

        // An upload of 40 whose body breaks off after its first chunk was saved, while 4 others of 5 files arrive.
        var broken = BrokenUploadAsync(client, id, BatchTestData.Images(40, 500));
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(u => UploadAsync(client, id, BatchTestData.Images(5, u * 5))));
        var refused = await broken;

        Assert.True(refused.Status == HttpStatusCode.BadRequest && refused.Body.Contains("\"code\":\"malformed_request\"", StringComparison.Ordinal),
            $"the broken upload answered {(int)refused.Status}: {refused.Body}");
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"an upload answered {(int)a.Status}: {a.Body}"));
        var items = await api.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).OrderBy(i => i.Index).Select(i => new { i.Index, i.FileName }).ToListAsync(Ct));
        Assert.Equal(BatchTestData.Images(20).Select(i => i.Name), items.Select(i => i.FileName).Order(StringComparer.Ordinal));
        // Indexes the refused upload held before another upload's stay unused: unique and in order, not renumbered.
        Assert.Equal(20, items.Select(i => i.Index).Distinct().Count());
        Assert.Equal(20, (await client.BatchAsync(id, Ct))["total"]!.GetValue<int>());
        await StartAsync(client, id);
        await AssertAllRunAsync(api, client, id, expected: 20);
    }

    [Fact]
    public async Task Uploads_racing_the_start_are_either_part_of_the_job_or_refused_with_a_problem()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using var api = await StartAsync(database);
        using var client = api.CreateClient();
        for (var round = 0; round < 3; round++)
        {
            var id = await NewDraftAsync(client, BatchTestData.Images(2, round * 1000));
            var uploads = Enumerable.Range(0, 6).Select(u => UploadAsync(client, id, BatchTestData.Images(u == 0 ? 40 : 4, round * 1000 + 10 + u * 50))).ToList();
            await Task.Delay(round * 40, Ct);
            await StartAsync(client, id);
            var answers = await Task.WhenAll(uploads);

            foreach (var (status, body) in answers)
            {
                output.WriteLine($"round {round}: {(int)status} {body[..Math.Min(body.Length, 120)]}");
                Assert.True(status == HttpStatusCode.OK || (status == HttpStatusCode.Conflict && body.Contains("\"code\":\"batch_not_draft\"", StringComparison.Ordinal)),
                    $"an upload racing the start answered {(int)status}: {body}");
            }

            foreach (var answer in answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => JsonNode.Parse(a.Body)!))
            {
                // Started part way through: what came in before is in the job, the rest is listed as not added.
                var notAdded = answer["refused"]!.AsArray();
                Assert.All(notAdded, r => Assert.Equal("batch_not_draft", r!["code"]!.GetValue<string>()));
                Assert.True(notAdded.Count == 0 || answer["batch"]!["status"]!.GetValue<string>() != "draft", "a refused file with the batch still a draft");
            }

            var kept = 2 + answers.Where(a => a.Status == HttpStatusCode.OK).Sum(a => JsonNode.Parse(a.Body)!["added"]!.AsArray().Count);
            await AssertNumberedAsync(api, client, id, kept);
            await AssertAllRunAsync(api, client, id, kept);
        }
    }

    private static async Task<ApiFactory> StartAsync(TestDatabase database)
    {
        var api = await database.StartApiAsync();
        api.Ollama.Chat = request => new FakeChatReply { Chunks = [BatchTestData.ImageKey(request)] };
        return api;
    }

    private static async Task<Guid> NewDraftAsync(HttpClient client, (string Name, byte[] Bytes)[]? files = null) =>
        (await client.CreateBatchAsync("Caption.", files ?? [], new() { ["start"] = "false" }, Ct))["batch"]!["id"]!.GetValue<Guid>();

    private static async Task<(HttpStatusCode Status, string Body)> UploadAsync(HttpClient client, Guid id, (string Name, byte[] Bytes)[] files)
    {
        using var response = await client.PostAsync($"/api/batches/{id}/items", BatchTestData.Form(new Dictionary<string, string>(), files), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>An upload whose body ends in the middle of its last file (a dropped connection, as the API sees it).</summary>
    private static async Task<(HttpStatusCode Status, string Body)> BrokenUploadAsync(HttpClient client, Guid id, (string Name, byte[] Bytes)[] files)
    {
        using var form = BatchTestData.Form(new Dictionary<string, string>(), files);
        var bytes = await form.ReadAsByteArrayAsync(Ct);
        using var body = new ByteArrayContent(bytes[..^200]);
        body.Headers.ContentType = form.Headers.ContentType;
        using var response = await client.PostAsync($"/api/batches/{id}/items", body, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task StartAsync(HttpClient client, Guid id)
    {
        using var start = await client.PostAsync($"/api/batches/{id}/start", null, Ct);
        Assert.True(start.IsSuccessStatusCode, $"start answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>The batch shows as many items as it holds, numbered 0…N−1 with none twice.</summary>
    private static async Task AssertNumberedAsync(ApiFactory api, HttpClient client, Guid id, int expected)
    {
        var indexes = await api.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).Select(i => i.Index).OrderBy(i => i).ToListAsync(Ct));
        Assert.Equal(Enumerable.Range(0, expected), indexes);
        Assert.Equal(expected, (await client.BatchAsync(id, Ct))["total"]!.GetValue<int>());
    }

    /// <summary>The job ends with every item answered; none is left behind in a finished batch.</summary>
    private static async Task AssertAllRunAsync(ApiFactory api, HttpClient client, Guid id, int expected)
    {
        var done = (await client.FollowAsync(id, TimeSpan.FromMinutes(2), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", expected, expected), (done["status"]!.GetValue<string>(), done["total"]!.GetValue<int>(), done["completed"]!.GetValue<int>()));
        var statuses = await api.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).Select(i => i.Status).ToListAsync(Ct));
        Assert.All(statuses, s => Assert.Equal("completed", s));
    }
}

public sealed class SqliteBatchConcurrentUploadTests(ITestOutputHelper output) : BatchConcurrentUploadTests(output)
{
    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();
}

public sealed class PostgresBatchConcurrentUploadTests(ITestOutputHelper output) : BatchConcurrentUploadTests(output)
{
    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}
