using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Batches;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Batches;

/// <summary>
/// What an open progress stream costs the server while it waits for changes. Serial: <see cref="Timer.ActiveCount"/> counts
/// the whole process's timers, so tests running beside it would move the count (in the full suite it rose by 47 with the
/// fix in place).
/// </summary>
[Collection(nameof(MikuCloud.Tests.Images.SerialPerformance))]
public class BatchEventStreamTests : ApiTest
{
    [Fact]
    public async Task A_progress_stream_woken_by_every_change_leaves_no_pending_timer_behind_each_wake()
    {
        using var client = api.CreateClient();
        var id = (await client.CreateBatchAsync("Describe.", BatchTestData.Images(1), new() { ["start"] = "false" }, Ct))["batch"]!["id"]!.GetValue<Guid>();
        var signals = api.Services.GetRequiredService<BatchSignals>();
        using var response = await client.GetAsync($"/api/batches/{id}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var events = Sse.ReadAsync(response, cancellationToken: Ct).GetAsyncEnumerator(Ct);
        Assert.True(await events.MoveNextAsync()); // the first progress event: the stream is waiting now

        // Each finished item wakes every open stream; a stream must not leave a one-second timer running per wake-up.
        var before = Timer.ActiveCount;
        var peak = before;
        for (var i = 0; i < 300; i++)
        {
            signals.Pulse();
            await Task.Delay(2, Ct);
            peak = Math.Max(peak, Timer.ActiveCount);
        }

        Assert.True(peak - before < 30, $"timers went from {before} to {peak} while the stream was woken 300 times");
    }
}
