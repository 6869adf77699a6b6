using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Batches;

/// <summary>Batch jobs end to end: the real API on Kestrel, its worker and the fake Ollama.</summary>
public class BatchJobTests(ITestOutputHelper output) : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task A_200_item_batch_answers_every_image_once_with_monotonic_progress_and_well_formed_downloads()
    {
        api.Ollama.Chat = request => new FakeChatReply { Chunks = ["answer, \"quoted\"\n", BatchTestData.ImageKey(request)] };
        var images = BatchTestData.Images(200);
        var watch = Stopwatch.StartNew();
        var created = await client.CreateBatchAsync("Describe the image.", images, new() { ["name"] = "two hundred" }, Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        Assert.Equal(200, created["added"]!.AsArray().Count);
        Assert.Empty(created["refused"]!.AsArray());

        var events = await client.FollowAsync(id, TimeSpan.FromMinutes(3), cancellationToken: Ct);
        watch.Stop();

        var progress = events.Where(e => e.Name == "progress").Select(e => e.Data!["batch"]!).ToList();
        Assert.NotEmpty(progress);
        var finished = progress.Select(p => p["completed"]!.GetValue<int>() + p["failed"]!.GetValue<int>()).ToList();
        Assert.Equal(finished.Order(), finished); // never goes back
        Assert.Equal("done", events[^1].Name);
        var done = events[^1].Data!;
        Assert.Equal(("completed", 200, 200, 0), (done["status"]!.GetValue<string>(), done["total"]!.GetValue<int>(), done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));
        Assert.Equal(200, events.Where(e => e.Name == "item").Select(e => e.Data!["id"]!.GetValue<Guid>()).Distinct().Count());

        // Each image reached the model exactly once, and its answer is its own.
        var requests = api.Ollama.ChatRequests.Select(BatchTestData.ImageKey).ToList();
        Assert.Equal(200, requests.Count);
        Assert.Equal(200, requests.Distinct().Count());

        var (jsonl, jsonlResponse) = await client.ResultsAsync(id, "jsonl", Ct);
        Assert.Equal("attachment", jsonlResponse.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".jsonl", jsonlResponse.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var records = BatchClient.ParseJsonLines(jsonl);
        Assert.Equal(Enumerable.Range(0, 200), records.Select(r => r["index"]!.GetValue<int>()));
        Assert.All(records, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.Equal(requests.Order(), records.Select(r => r["answer"]!.GetValue<string>()["answer, \"quoted\"\n".Length..]).Order());
        Assert.Equal(images.Select(i => i.Name), records.Select(r => r["file"]!.GetValue<string>()));

        var (csv, csvResponse) = await client.ResultsAsync(id, "csv", Ct);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var rows = BatchClient.ParseCsv(csv.TrimStart('\uFEFF'));
        Assert.Equal(201, rows.Count);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        Assert.Equal(records.Select(r => r["answer"]!.GetValue<string>()), rows.Skip(1).Select(r => r[rows[0].IndexOf("answer")]));

        // Answered: the sources are gone, the thumbnails stay.
        var stored = await api.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).Select(i => new { HasImage = i.Image != null, i.StoredBytes, HasThumb = i.Thumbnail != null }).ToListAsync(Ct));
        Assert.All(stored, s => Assert.Equal((false, 0L, true), (s.HasImage, s.StoredBytes, s.HasThumb)));
        var page = await client.GetFromJsonAsync<JsonObject>($"/api/batches/{id}/items?limit=10", Ct);
        using var thumbnail = await client.GetAsync(page!["items"]![0]!["thumbnailUrl"]!.GetValue<string>(), Ct);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);

        var rate = 200 / watch.Elapsed.TotalSeconds;
        output.WriteLine($"200 items in {watch.Elapsed.TotalSeconds:0.00} s: {rate:0.0} items/s (API says {done["itemsPerSecond"]})");
    }
}
