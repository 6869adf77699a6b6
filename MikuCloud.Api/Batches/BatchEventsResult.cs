using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// <c>GET /api/batches/{id}/events</c>: <c>progress</c> (the batch, whenever its counts change), <c>item</c> (each item
/// as it is answered or fails), then <c>done</c> (the final batch) when it completes, is cancelled or fails; comment
/// heartbeats while nothing happens. Read from the database (items finished by any replica appear), woken at once by
/// this process's own items.
/// </summary>
public sealed class BatchEventsResult(Guid batchId) : IResult
{
    /// <summary>How far back each look for finished items reaches again (commits of other workers can land out of order).</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    /// <summary>How often the stream looks without a signal (items finished by other replicas).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var heartbeat = services.GetRequiredService<IOptions<ChatServerOptions>>().Value.HeartbeatInterval;
        var db = services.GetRequiredService<ChatDbContext>();
        var store = services.GetRequiredService<BatchStore>();
        var signals = services.GetRequiredService<BatchSignals>();
        var time = services.GetRequiredService<TimeProvider>();
        var sse = new ServerSentEvents(httpContext.Response, json);
        var gone = httpContext.RequestAborted;
        var sent = new HashSet<Guid>();
        var since = DateTime.MinValue;
        BatchDto? last = null;
        try
        {
            await sse.StartAsync(gone);
            var quietSince = time.GetUtcNow();
            while (!gone.IsCancellationRequested)
            {
                var woken = signals.Next; // taken before reading, so a change during the read is not missed
                var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, gone);
                if (batch is null)
                {
                    return; // deleted meanwhile: the stream ends
                }

                foreach (var item in await store.FinishedSinceAsync(batchId, since == DateTime.MinValue ? since : since - Overlap, gone))
                {
                    if (sent.Add(item.Id))
                    {
                        await sse.WriteAsync("item", BatchMapping.ToDto(item), gone);
                        quietSince = time.GetUtcNow();
                    }

                    since = Timestamps.AsUtc(item.CompletedAt!.Value) > since ? Timestamps.AsUtc(item.CompletedAt!.Value) : since;
                }

                var dto = await store.ToDtoAsync(batch, gone);
                if (last is null || Changed(last, dto))
                {
                    await sse.WriteAsync("progress", new BatchProgressEvent(dto), gone);
                    quietSince = time.GetUtcNow();
                    last = dto;
                }

                if (BatchStatus.IsFinished(dto.Status))
                {
                    await sse.WriteAsync("done", dto, gone);
                    return;
                }

                if (time.GetUtcNow() - quietSince >= heartbeat)
                {
                    await sse.HeartbeatAsync(gone);
                    quietSince = time.GetUtcNow();
                }

                await WakeAsync(woken, time, gone);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left.
        }
    }

    /// <summary>
    /// Until this process signals a change or a second passes (other replicas do not signal). The second's timer goes
    /// with the wait: a stream woken by every finished item must not leave a pending one-second timer behind each time.
    /// </summary>
    private static async Task WakeAsync(Task woken, TimeProvider time, CancellationToken gone)
    {
        try
        {
            await woken.WaitAsync(Poll, time, gone);
        }
        catch (TimeoutException)
        {
            // Nothing here; look in the database again.
        }
    }

    private static bool Changed(BatchDto a, BatchDto b) =>
        (a.Status, a.Total, a.Queued, a.Running, a.Completed, a.Failed, a.Cancelled) != (b.Status, b.Total, b.Queued, b.Running, b.Completed, b.Failed, b.Cancelled);
}
