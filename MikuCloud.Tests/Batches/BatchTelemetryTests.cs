using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Chat;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Batches;

/// <summary>What the dashboards read about batches: items by outcome and failure reason, item latency, queue depth, and the door on turn metrics.</summary>
public class BatchTelemetryTests : ApiTest
{
    [Fact]
    public async Task Batch_items_are_counted_by_outcome_and_failure_reason_timed_and_tagged_as_the_batch_door()
    {
        using var client = api.CreateClient();
        var meters = api.Services.GetRequiredService<IMeterFactory>();
        using var items = new MetricCollector<long>(meters, ChatTelemetry.Name, "mikucloud.batch.items");
        using var latency = new MetricCollector<double>(meters, ChatTelemetry.Name, "mikucloud.batch.item.duration");
        using var depth = new MetricCollector<int>(meters, ChatTelemetry.Name, "mikucloud.batch.queue.depth");
        using var requests = new MetricCollector<long>(meters, ChatTelemetry.Name, "mikucloud.chat.requests");
        var images = BatchTestData.Images(2);
        var failing = "";
        api.Ollama.Chat = request => BatchTestData.ImageKey(request) == failing
            ? new FakeChatReply { Chunks = ["half"], ErrorAfterChunks = "CUDA error: out of memory" }
            : new FakeChatReply();
        failing = await KeyOfAsync(client, images[1]);
        items.Clear();
        latency.Clear();

        var id = (await client.CreateBatchAsync("Describe.", images, cancellationToken: Ct))["batch"]!["id"]!.GetValue<Guid>();
        var done = (await client.FollowAsync(id, TimeSpan.FromMinutes(1), cancellationToken: Ct))[^1].Data!;
        Assert.Equal((1, 1), (done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));

        var counted = items.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Count);
        Assert.Contains(counted, m => m.Tags["mikucloud.outcome"] as string == "completed" && !m.Tags.ContainsKey("mikucloud.reason"));
        Assert.Contains(counted, m => m.Tags["mikucloud.outcome"] as string == "failed" && m.Tags["mikucloud.reason"] as string == ProblemCodes.ModelError);
        Assert.Equal(2, latency.GetMeasurementSnapshot().Count);
        Assert.All(latency.GetMeasurementSnapshot(), m => Assert.True(m.Value > 0));
        depth.RecordObservableInstruments();
        Assert.Equal(0, depth.LastMeasurement?.Value);
        // The turns themselves went through the one turn engine: counted as turns, by the batch door.
        Assert.Contains(requests.GetMeasurementSnapshot(), m => m.Tags["mikucloud.door"] as string == "batch");
    }

    /// <summary>The key the fake Ollama sees for an image (it is processed on the way): learnt from a one-item batch.</summary>
    private async Task<string> KeyOfAsync(HttpClient client, (string Name, byte[] Bytes) image)
    {
        var probe = await client.CreateBatchAsync("probe", [image], cancellationToken: Ct);
        await client.FollowAsync(probe["batch"]!["id"]!.GetValue<Guid>(), TimeSpan.FromSeconds(30), cancellationToken: Ct);
        return BatchTestData.ImageKey(api.Ollama.ChatRequests.Last());
    }
}
