using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Batches;

/// <summary>How items end: cancelled mid-way, answered as JSON by a schema (or failing it), refused as hostile uploads.</summary>
public class BatchOutcomeTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task Cancelling_mid_way_keeps_finished_results_cancels_the_rest_and_stops_the_model()
    {
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["one ", "more"], FirstChunkDelay = TimeSpan.FromMilliseconds(300) };
        var id = (await client.CreateBatchAsync("Caption it.", BatchTestData.Images(30), cancellationToken: Ct))["batch"]!["id"]!.GetValue<Guid>();
        var cancelled = false;
        var events = await client.FollowAsync(id, TimeSpan.FromMinutes(1), async e =>
        {
            if (!cancelled && e.Name == "progress" && e.Data!["batch"]!["completed"]!.GetValue<int>() >= 3)
            {
                cancelled = true;
                using var cancel = await client.PostAsync($"/api/batches/{id}/cancel", null, Ct);
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            }
        }, Ct);

        var done = events[^1].Data!;
        var (completed, cancelledItems) = (done["completed"]!.GetValue<int>(), done["cancelled"]!.GetValue<int>());
        Assert.Equal(("cancelled", 0, 0, 0), (done["status"]!.GetValue<string>(), done["queued"]!.GetValue<int>(), done["running"]!.GetValue<int>(),
            done["failed"]!.GetValue<int>()));
        Assert.True(completed >= 3 && completed < 30, $"{completed} completed");
        Assert.Equal(30, completed + cancelledItems);

        // The model stops: nothing running, and no new request after a moment.
        var deadline = Stopwatch.StartNew();
        while (api.Ollama.ActiveChats > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(0, api.Ollama.ActiveChats);
        var requests = api.Ollama.ChatRequests.Count();
        await Task.Delay(1_000, Ct);
        Assert.Equal(requests, api.Ollama.ChatRequests.Count());
        Assert.True(requests <= completed + 2, $"{requests} requests for {completed} answers"); // at most the two that were running

        var records = BatchClient.ParseJsonLines((await client.ResultsAsync(id, "jsonl", Ct)).Text);
        Assert.Equal(completed, records.Count(r => r["status"]!.GetValue<string>() == "completed" && r["answer"]!.GetValue<string>() == "one more"));
        Assert.Equal(cancelledItems, records.Count(r => r["status"]!.GetValue<string>() == "cancelled" && r["answer"] is null));
    }

    [Fact]
    public async Task A_schema_makes_answers_parsed_json_and_an_answer_that_is_not_json_fails_alone()
    {
        var images = BatchTestData.Images(3);
        var badKey = "";
        api.Ollama.Chat = request =>
        {
            var key = BatchTestData.ImageKey(request);
            return new FakeChatReply { Chunks = key == badKey ? ["{\"label\": \"ca"] : ["{\"label\": ", $"\"cat-{key}\", \"count\": 2}}"] };
        };
        // The second image's answer will be cut off JSON: learn its key from a first, unscripted request.
        var schema = new JsonObject
        {
            ["type"] = "object", ["properties"] = new JsonObject { ["label"] = new JsonObject { ["type"] = "string" }, ["count"] = new JsonObject { ["type"] = "integer" } },
            ["required"] = new JsonArray("label"),
        };
        var probe = await client.CreateBatchAsync("probe", [images[1]], new() { ["start"] = "true" }, Ct);
        await client.FollowAsync(probe["batch"]!["id"]!.GetValue<Guid>(), TimeSpan.FromSeconds(30), cancellationToken: Ct);
        badKey = BatchTestData.ImageKey(api.Ollama.ChatRequests.Single());

        var created = await client.CreateBatchAsync("What animal? Answer as JSON.", images, new() { ["schema"] = schema.ToJsonString() }, Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        var done = (await client.FollowAsync(id, TimeSpan.FromSeconds(60), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", 2, 1), (done["status"]!.GetValue<string>(), done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));

        // Ollama was asked for the schema as its format.
        Assert.All(api.Ollama.ChatRequests.Skip(1), r => Assert.True(JsonNode.DeepEquals(schema, r["format"]), r["format"]?.ToJsonString()));
        var items = (await client.GetFromJsonAsync<JsonObject>($"/api/batches/{id}/items", Ct))!["items"]!.AsArray();
        Assert.StartsWith("cat-", items[0]!["json"]!["label"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, items[0]!["json"]!["count"]!.GetValue<int>());
        Assert.Equal(("failed", ProblemCodes.InvalidJsonAnswer, "{\"label\": \"ca"),
            (items[1]!["status"]!.GetValue<string>(), items[1]!["error"]!["code"]!.GetValue<string>(), items[1]!["answer"]!.GetValue<string>()));
        Assert.Null(items[1]!["json"]);
        Assert.Equal("completed", items[2]!["status"]!.GetValue<string>());

        var records = BatchClient.ParseJsonLines((await client.ResultsAsync(id, "jsonl", Ct)).Text);
        Assert.Equal("Object", JsonValueKind(records[2]["json"]));

        // The failed item can be tried again on its own (the model now answers it properly).
        badKey = "none of them";
        using var retry = await client.PostAsync($"/api/batches/{id}/items/{items[1]!["id"]}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = (await client.FollowAsync(id, TimeSpan.FromSeconds(60), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", 3, 0), (again["status"]!.GetValue<string>(), again["completed"]!.GetValue<int>(), again["failed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Hostile_files_are_refused_alone_and_the_other_images_are_answered()
    {
        var files = new (string, byte[])[]
        {
            ("good-1.png", BatchTestData.Png(1)), ("notes.txt", "just some text, not an image"u8.ToArray()),
            ("bomb.png", TestImages.PngBomb(60_000, 60_000)), ("good-2.png", BatchTestData.Png(2)),
        };
        var created = await client.CreateBatchAsync("Describe.", files, cancellationToken: Ct);
        var refused = created["refused"]!.AsArray().Select(r => (r!["fileName"]!.GetValue<string>(), r["code"]!.GetValue<string>())).ToList();
        Assert.Equal([("notes.txt", ProblemCodes.ImageUnsupportedFormat), ("bomb.png", ProblemCodes.ImageTooManyPixels)], refused);
        Assert.Equal(["good-1.png", "good-2.png"], created["added"]!.AsArray().Select(a => a!["fileName"]!.GetValue<string>()));

        var done = (await client.FollowAsync(created["batch"]!["id"]!.GetValue<Guid>(), TimeSpan.FromSeconds(60), cancellationToken: Ct))[^1].Data!;
        Assert.Equal(("completed", 2, 2), (done["status"]!.GetValue<string>(), done["total"]!.GetValue<int>(), done["completed"]!.GetValue<int>()));
    }

    private static string JsonValueKind(JsonNode? node) => node?.GetValueKind().ToString() ?? "null";
}
