using MikuCloud.Api.Chat;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// The OpenAI door's streaming translator: a running turn's events as <c>chat.completion.chunk</c>s
/// (<c>data: {…}</c>, ending <c>data: [DONE]</c>), with a usage chunk when <c>stream_options.include_usage</c> asked.
/// </summary>
/// <remarks>
/// A failure after the stream started is written as OpenAI's error object and then the connection is aborted without
/// <c>[DONE]</c>: every SDK then raises, and none can mistake a cut-off answer for a whole one.
/// </remarks>
public sealed class ChatCompletionStreamResult(TurnRun run, string model, bool includeUsage, TimeProvider time) : IResult
{
    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var sse = new ServerSentEvents(httpContext.Response, OpenAiJson.Options);
        var gone = httpContext.RequestAborted;
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var calls = 0;
        ChatCompletionChunk Chunk(ChatCompletionDelta delta, string? finish = null) => new(id, created, model, [new ChatCompletionChunkChoice(0, delta, finish)]);
        await using (run)
        {
            try
            {
                await sse.StartAsync(gone);
                await sse.WriteDataAsync(Chunk(new ChatCompletionDelta(Role: "assistant", Content: "")), OpenAiJson.Options, gone);
                await foreach (var e in run.Events.WithCancellation(gone))
                {
                    switch (e)
                    {
                        case TurnEvent.AnswerDelta d:
                            await sse.WriteDataAsync(Chunk(new ChatCompletionDelta(Content: d.Text)), OpenAiJson.Options, gone);
                            break;
                        case TurnEvent.ToolCallRequested c:
                            var call = new ChatCompletionToolCallObject(c.Call.Id, new ChatCompletionFunctionCall(c.Call.Name, c.Call.ArgumentsJson), calls++);
                            await sse.WriteDataAsync(Chunk(new ChatCompletionDelta(ToolCalls: [call])), OpenAiJson.Options, gone);
                            break;
                        case TurnEvent.Heartbeat:
                            await sse.HeartbeatAsync(gone);
                            break;
                        case TurnEvent.AnswerDone done:
                            await sse.WriteDataAsync(Chunk(new ChatCompletionDelta(), FinishReasons.From(done.Message.FinishReason, calls > 0)), OpenAiJson.Options, gone);
                            if (includeUsage)
                            {
                                await sse.WriteDataAsync(new ChatCompletionChunk(id, created, model, [], ChatCompletionCollector.Usage(done.Message)), OpenAiJson.Options, gone);
                            }

                            await sse.WriteDataAsync(Done, gone);
                            break;
                        case TurnEvent.AnswerFailed failed:
                            await sse.WriteDataAsync(ChatCompletionCollector.ErrorOf(failed.Error), OpenAiJson.Options, gone);
                            httpContext.Abort();
                            return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client left: the answer stops at once (its request to Ollama aborted), as OpenAI's does.
                run.Stop();
            }
        }
    }
}
