using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// <c>GET /api/knowledge/bases/{id}/events</c>: a <c>document</c> event (<see cref="KnowledgeProgressEvent"/>) for each
/// document of the base at the start, then each time one's status or progress changes; comment heartbeats while nothing
/// happens. Read from the database (documents read by any replica appear), woken at once by this process's own changes.
/// Ends when the base is deleted (or no longer readable by the caller) or the client leaves.
/// </summary>
public sealed class KnowledgeEventsResult(Guid baseId, string owner) : IResult
{
    /// <summary>How often the stream looks without a signal (documents read by other replicas).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var heartbeat = services.GetRequiredService<IOptions<ChatServerOptions>>().Value.HeartbeatInterval;
        var db = services.GetRequiredService<ChatDbContext>();
        var store = services.GetRequiredService<KnowledgeStore>();
        var signals = services.GetRequiredService<KnowledgeSignals>();
        var time = services.GetRequiredService<TimeProvider>();
        var sse = new ServerSentEvents(httpContext.Response, json);
        var gone = httpContext.RequestAborted;
        var last = new Dictionary<Guid, KnowledgeDocumentDto>();
        try
        {
            await sse.StartAsync(gone);
            var quietSince = time.GetUtcNow();
            while (!gone.IsCancellationRequested)
            {
                var woken = signals.Next; // taken before reading, so a change during the read is not missed
                if (!await store.Readable(owner).AnyAsync(b => b.Id == baseId, gone))
                {
                    return; // deleted (or unshared) meanwhile: the stream ends
                }

                var documents = await KnowledgeMapping.ToDtos(db.KnowledgeDocuments.AsNoTracking().Where(d => d.BaseId == baseId).OrderBy(d => d.CreatedAt))
                    .ToListAsync(gone);
                foreach (var document in documents.Select(KnowledgeMapping.AsUtc))
                {
                    if (!last.TryGetValue(document.Id, out var before) || Changed(before, document))
                    {
                        await sse.WriteAsync("document", new KnowledgeProgressEvent(document), gone);
                        last[document.Id] = document;
                        quietSince = time.GetUtcNow();
                    }
                }

                if (time.GetUtcNow() - quietSince >= heartbeat)
                {
                    await sse.HeartbeatAsync(gone);
                    quietSince = time.GetUtcNow();
                }

                await KnowledgeSignals.WaitAsync(woken, Poll, time, gone);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left.
        }
    }

    private static bool Changed(KnowledgeDocumentDto a, KnowledgeDocumentDto b) =>
        (a.Status, a.PageCount, a.PagesDone, a.PagesByVision, a.Chunks, a.Error?.Code, a.Attempts)
        != (b.Status, b.PageCount, b.PagesDone, b.PagesByVision, b.Chunks, b.Error?.Code, b.Attempts);
}
