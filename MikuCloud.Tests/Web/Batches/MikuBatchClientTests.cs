using MikuCloud.Web.Api;

namespace MikuCloud.Tests.Web.Batches;

/// <summary>The batch event stream's wire names and payloads, as the API's contract spells them.</summary>
public sealed class MikuBatchClientTests
{
    [Fact]
    public async Task Progress_item_and_done_events_are_read_from_the_stream_and_unknown_ones_ignored()
    {
        var id = Guid.NewGuid();
        var itemId = Guid.NewGuid();
        var batch = System.Text.Json.JsonSerializer.Serialize(FakeMikuBatchApi.Batch(id, BatchStatus.Running, 2, completed: 1, rate: 1.5), ApiJson.Options);
        var wire = $"""
            : heartbeat

            event: progress
            data: {"{"}"batch":{batch}{"}"}

            event: item
            data: {"{"}"id":"{itemId}","index":0,"fileName":"a.jpg","status":"completed","answer":"猫","attempts":1{"}"}

            event: something-new
            data: {"{"}{"}"}

            event: done
            data: {batch.Replace("\"running\"", "\"completed\"", StringComparison.Ordinal)}


            """.Replace("\r\n", "\n", StringComparison.Ordinal);

        var events = new List<BatchEvent>();
        await foreach (var sse in SseReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(wire)), TestContext.Current.CancellationToken))
        {
            if (MikuBatchClient.Parse(sse) is { } e)
            {
                events.Add(e);
            }
        }

        Assert.Equal(3, events.Count);
        var progress = Assert.IsType<BatchProgressed>(events[0]);
        Assert.Equal((id, 1, 1.5), (progress.Batch.Id, progress.Batch.Completed, progress.Batch.ItemsPerSecond!.Value));
        var item = Assert.IsType<BatchItemFinished>(events[1]).Item;
        Assert.Equal((itemId, "猫", BatchItemStatus.Completed), (item.Id, item.Answer, item.Status));
        Assert.Equal(BatchStatus.Completed, Assert.IsType<BatchFinished>(events[2]).Batch.Status);
    }
}
