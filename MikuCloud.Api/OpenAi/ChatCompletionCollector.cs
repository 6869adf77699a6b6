using MikuCloud.Api.Turns;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// The OpenAI door's non-streaming translator: reads a running turn to its end into one <c>chat.completion</c>. A
/// failure becomes an error response (the headers have not gone out yet), so an SDK raises instead of returning a
/// cut-off answer.
/// </summary>
public static class ChatCompletionCollector
{
    public static async Task<ChatCompletionObject> CollectAsync(TurnRun run, string model, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(time);
        var calls = new List<ChatCompletionToolCallObject>();
        await using (run)
        {
            try
            {
                await foreach (var e in run.Events.WithCancellation(cancellationToken))
                {
                    switch (e)
                    {
                        case TurnEvent.ToolCallRequested c:
                            calls.Add(new ChatCompletionToolCallObject(c.Call.Id, new ChatCompletionFunctionCall(c.Call.Name, c.Call.ArgumentsJson)));
                            break;
                        case TurnEvent.AnswerDone done:
                            var answer = new ChatCompletionAnswer(calls.Count > 0 && done.Message.Content.Length == 0 ? null : done.Message.Content, calls.Count > 0 ? calls : null);
                            return new ChatCompletionObject("chatcmpl-" + done.Message.Id.ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(), model,
                                [new ChatCompletionChoice(0, answer, FinishReasons.From(done.Message.FinishReason, calls.Count > 0))], Usage(done.Message));
                        case TurnEvent.AnswerFailed failed:
                            throw new ApiProblem(failed.Error.Code == ProblemCodes.TooLong ? 504 : 502, failed.Error.Code, failed.Error.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                run.Stop(); // the client left: Ollama stops at once
                throw;
            }
        }

        throw new ApiProblem(502, ProblemCodes.IncompleteAnswer, "The answer ended without finishing.");
    }

    /// <summary>Ollama's counters as OpenAI's usage (zero where Ollama did not say).</summary>
    public static ChatCompletionUsage Usage(MessageDto answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new ChatCompletionUsage(answer.Usage?.InputTokens ?? 0, answer.Usage?.OutputTokens ?? 0);
    }

    /// <summary>A stream's failure as OpenAI's error object.</summary>
    public static OpenAiError ErrorOf(ErrorDto error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new OpenAiError(new OpenAiError.Body(error.Message, "server_error", null, error.Code));
    }
}
