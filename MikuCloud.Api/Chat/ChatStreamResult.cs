using Microsoft.Extensions.Options;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Chat;

/// <summary>
/// The chat door's translator: writes a running turn's <see cref="TurnEvent"/>s as the chat stream
/// (<c>text/event-stream</c>: <c>conversation</c>, <c>user</c>, <c>citations</c>, <c>delta</c>…, <c>done</c> or <c>error</c>; heartbeats as comment lines).
/// Each delta of a stored answer carries <c>id:</c> = the answer's length after it, to reattach with
/// (<c>GET …/messages/{messageId}/stream</c>). When the client leaves, the answer goes on unless <paramref name="cancelOnDisconnect"/>.
/// </summary>
/// <remarks>
/// Not .NET 10's <c>TypedResults.ServerSentEvents</c>: its <c>SseItem</c> cannot write the comment-line heartbeats
/// the contract has (clients and proxies rely on them; an event would reach EventSource listeners), and it would drop
/// the <c>X-Accel-Buffering</c> and <c>charset</c> headers. <see cref="ServerSentEvents"/> writes exactly today's bytes.
/// </remarks>
public sealed class ChatStreamResult(TurnRun run, bool cancelOnDisconnect = true) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var sse = new ServerSentEvents(httpContext.Response, json);
        var gone = httpContext.RequestAborted;
        await using (run)
        {
            try
            {
                await sse.StartAsync(gone);
                await foreach (var e in run.Events.WithCancellation(gone))
                {
                    await (e switch
                    {
                        TurnEvent.ConversationCreated c => sse.WriteAsync(ChatStreamEvents.Conversation, c.Conversation, gone),
                        TurnEvent.QuestionSaved q => sse.WriteAsync(ChatStreamEvents.User, q.Message, gone),
                        TurnEvent.CitationsFound c => sse.WriteAsync(ChatStreamEvents.Citations, new CitationsDto(c.Citations), gone),
                        TurnEvent.AnswerDelta d => sse.WriteAsync(ChatStreamEvents.Delta, new DeltaDto(d.Text), d.End, gone),
                        TurnEvent.Heartbeat => sse.HeartbeatAsync(gone),
                        TurnEvent.AnswerDone done => sse.WriteAsync(ChatStreamEvents.Done, done.Message, gone),
                        TurnEvent.AnswerFailed failed => sse.WriteAsync(ChatStreamEvents.Error, failed.Error, gone),
                        _ => Task.CompletedTask, // a newer event this door does not speak: clients would ignore it anyway
                    });
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client left. Asked to, the answer stops (its request to Ollama aborted) and is saved as it stands;
                // otherwise it goes on and is saved when done (disposing the run waits for that, in this request's scope,
                // whose database context saves it), and any reader can attach to it meanwhile.
                if (cancelOnDisconnect)
                {
                    run.Stop();
                }
            }
        }
    }
}
