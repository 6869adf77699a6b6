using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Batches;

/// <summary>Per-user batch quotas answer 429 with a code (and Retry-After where waiting helps), and keep nothing of the refused upload.</summary>
public class BatchQuotaTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Batches:MaxItemsPerBatch"] = "3";
        settings["Batches:MaxActiveBatchesPerUser"] = "2";
        settings["Batches:MaxStoredBytesPerUser"] = "50000";
    }

    [Fact]
    public async Task More_items_than_a_batch_may_hold_is_a_429_and_nothing_is_kept()
    {
        using var response = await client.PostAsync("/api/batches", BatchTestData.Form(new Dictionary<string, string> { ["prompt"] = "x" }, BatchTestData.Images(4)), Ct);
        await AssertRefusedAsync(response, ProblemCodes.BatchItemLimit, retryAfter: false);
        Assert.Empty(await BatchesAsync());
    }

    [Fact]
    public async Task More_unfinished_batches_than_allowed_is_a_429_with_retry_after()
    {
        for (var i = 0; i < 2; i++)
        {
            await client.CreateBatchAsync("draft", BatchTestData.Images(1), new() { ["start"] = "false" }, Ct);
        }

        using var response = await client.PostAsync("/api/batches", BatchTestData.Form(new Dictionary<string, string> { ["prompt"] = "x" }, BatchTestData.Images(1)), Ct);
        await AssertRefusedAsync(response, ProblemCodes.TooManyBatches, retryAfter: true);
        Assert.Equal(2, (await BatchesAsync()).Count);
    }

    [Fact]
    public async Task Images_past_the_users_storage_quota_are_a_429_with_retry_after_and_the_draft_keeps_what_it_had()
    {
        var created = await client.CreateBatchAsync("draft", BatchTestData.Images(1), new() { ["start"] = "false" }, Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        var large = TestImages.Png(TestImages.PhotoLike(512, 512));
        using var response = await client.PostAsync($"/api/batches/{id}/items",
            BatchTestData.Form(new Dictionary<string, string>(), ("large.png", large)), Ct);
        await AssertRefusedAsync(response, ProblemCodes.BatchStorageQuota, retryAfter: true);
        Assert.Equal(1, (await client.BatchAsync(id, Ct))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Items_can_be_added_only_to_a_draft()
    {
        var created = await client.CreateBatchAsync("go", BatchTestData.Images(1), cancellationToken: Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        using var response = await client.PostAsync($"/api/batches/{id}/items", BatchTestData.Form(new Dictionary<string, string>(), BatchTestData.Images(1)), Ct);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(ProblemCodes.BatchNotDraft, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["code"]!.GetValue<string>());
    }

    private async Task<JsonArray> BatchesAsync() => (await client.GetFromJsonAsync<JsonObject>("/api/batches", Ct))!["items"]!.AsArray();

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string code, bool retryAfter)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(code, JsonNode.Parse(text)!["code"]!.GetValue<string>());
        Assert.Equal(retryAfter, response.Headers.RetryAfter is not null);
    }
}
