using Microsoft.Extensions.Options;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Writes a followed answer (<c>GET …/messages/{messageId}/stream</c>) as the chat stream writes an answer: <c>delta</c>
/// events with <c>id:</c> = the answer's length after them, comment-line heartbeats, then <c>done</c> or <c>error</c>.
/// The reader leaving changes nothing for the answer.
/// </summary>
public sealed class AnswerFollowResult(IAsyncEnumerable<TurnEvent> events) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var sse = new ServerSentEvents(httpContext.Response, json);
        var gone = httpContext.RequestAborted;
        try
        {
            await sse.StartAsync(gone);
            await foreach (var e in events.WithCancellation(gone))
            {
                await (e switch
                {
                    TurnEvent.AnswerDelta d => sse.WriteAsync(ChatStreamEvents.Delta, new DeltaDto(d.Text), d.End, gone),
                    TurnEvent.Heartbeat => sse.HeartbeatAsync(gone),
                    TurnEvent.AnswerDone done => sse.WriteAsync(ChatStreamEvents.Done, done.Message, gone),
                    TurnEvent.AnswerFailed failed => sse.WriteAsync(ChatStreamEvents.Error, failed.Error, gone),
                    _ => Task.CompletedTask,
                });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || gone.IsCancellationRequested)
        {
            // The reader left (whatever a read cut short by it threw, e.g. a database query); the answer goes on.
        }
    }
}
