using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using ChatDoneResponseStream = OllamaSharp.Models.Chat.ChatDoneResponseStream;
using OllamaSharp.Models.Exceptions;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace MikuCloud.Api.Chat;

public sealed partial class ChatTurnService
{
    private async Task StreamAsync(HttpContext http, Conversation? created, Message user, Message assistant, List<AiChatMessage> messages, ChatOptions options,
        PromptPlan plan, TagList tags, CancellationToken turnToken, CancellationToken requestToken)
    {
        var sse = new ServerSentEvents(http.Response, json.Value.SerializerOptions);
        // Cancelled whenever the turn ends early (stall, client gone, error): aborts the request to Ollama so it stops
        // generating, and ends any read still pending on it.
        using var upstream = CancellationTokenSource.CreateLinkedTokenSource(turnToken);
        var watch = new OllamaStreamWatch { Cancellation = upstream.Token };
        OllamaStreamWatch.Current = watch;
        var started = Stopwatch.GetTimestamp();
        var lastActivity = started;
        var lastHeartbeat = started;
        Task? heartbeat = null;
        double? timeToFirstToken = null;
        var text = new StringBuilder();
        ChatDoneResponseStream? done = null;
        ErrorDto? failure = null;
        var cancelled = false;

        await using var updates = chatClient.GetStreamingResponseAsync(messages, options, upstream.Token).GetAsyncEnumerator(upstream.Token);
        Task<bool>? pending = null;
        try
        {
            // Wait briefly for Ollama's first answer: a refusal (busy, no model, down) is still an HTTP problem then.
            var first = pending = updates.MoveNextAsync().AsTask();
            var hasFirst = await Task.WhenAny(first, Task.Delay(chat.FirstResponseWindow, turnToken)) == first
                ? await AwaitFirstAsync(first, created, user, assistant, watch, tags)
                : (bool?)null;

            await sse.StartAsync(requestToken);
            if (created is not null)
            {
                await sse.WriteAsync(ChatStreamEvents.Conversation, Mapping.ToDto(created), requestToken);
            }

            await sse.WriteAsync(ChatStreamEvents.User, Mapping.ToDto(user), requestToken);

            var more = hasFirst ?? await NextAsync(first);
            while (more)
            {
                var update = updates.Current;
                lastActivity = Stopwatch.GetTimestamp();
                if (update.RawRepresentation is ChatDoneResponseStream final)
                {
                    done = final;
                }

                if (!string.IsNullOrEmpty(update.Text))
                {
                    timeToFirstToken ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    text.Append(update.Text);
                    await sse.WriteAsync(ChatStreamEvents.Delta, new DeltaDto(update.Text), requestToken);
                }

                more = await NextAsync(pending = updates.MoveNextAsync().AsTask());
            }

            // A stopped stream ends quietly (OllamaOutcomeChatClient): stopping is not a failure, but it is not done either.
            turnToken.ThrowIfCancellationRequested();
            if (done is null)
            {
                failure = new ErrorDto(watch.Error is null ? ProblemCodes.IncompleteAnswer : ProblemCodes.ModelError,
                    watch.Error ?? "Ollama ended the answer without finishing it.", assistant.Id);
            }
        }
        catch (Exception ex) when (turnToken.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException or OllamaException)
        {
            // The turn was stopped; aborting the upstream response makes the pending read fail with an I/O error
            // rather than a cancellation, so any of these after the token fired means "stopped", not "Ollama failed".
            if (!requestToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) >= chat.MaxTurnDuration - TimeSpan.FromSeconds(1))
            {
                failure = new ErrorDto(ProblemCodes.TooLong, $"The answer ran longer than {chat.MaxTurnDuration.TotalMinutes:0.#} minutes and was stopped.", assistant.Id);
            }
            else
            {
                // The client went away (or the conversation was deleted): Ollama's request is already cancelled with it.
                cancelled = true;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaException or JsonException or IOException or TimeoutException or InvalidOperationException)
        {
            failure = Describe(ex, watch, assistant.Id);
            // When this ends the stream early (a stall), the GenAI span reports this failure, not the abort.
            watch.AbortedBy = ex;
            logger.LogWarning("Answer {MessageId} failed after {Chars} characters: {Error}", assistant.Id, text.Length, failure.Message);
        }
        finally
        {
            await AbandonAsync(upstream, pending);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Complete(assistant, text.ToString(), done, failure, cancelled, timeToFirstToken, elapsed, Timestamps.Now(time));
        if (done is { PromptEvalCount: > 0 } counted)
        {
            estimator.Calibrate(plan.RawTextTokens, plan.ImageTokens + TokenEstimator.MessageOverhead * messages.Count, counted.PromptEvalCount);
        }

        using (ChatTelemetry.Source.StartActivity("mikucloud.chat.persist_answer"))
        {
            await SaveFinalAsync(assistant);
        }

        Record(assistant, tags);
        if (requestToken.IsCancellationRequested)
        {
            return; // nobody is listening
        }

        try
        {
            if (failure is not null || cancelled)
            {
                await sse.WriteAsync(ChatStreamEvents.Error, failure ?? new ErrorDto(ProblemCodes.Cancelled, "The answer was stopped.", assistant.Id), requestToken);
            }
            else
            {
                await sse.WriteAsync(ChatStreamEvents.Done, Mapping.ToDto(assistant), requestToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left between the last token and the final event; the answer is saved.
        }

        async Task<bool> NextAsync(Task<bool> move)
        {
            // Fast path: tokens usually arrive faster than heartbeats are due.
            while (!move.IsCompleted)
            {
                // A heartbeat is due after HeartbeatInterval without a token or a heartbeat. One timer serves the whole
                // turn and is re-armed only when it fires: a paced stream waits for nearly every token, and a timer per
                // wait (left to expire 10 s later) cost a timer, a cancellation registration and a pool callback per chunk.
                heartbeat ??= Task.Delay(Max(TimeSpan.Zero, chat.HeartbeatInterval - Stopwatch.GetElapsedTime(Math.Max(lastActivity, lastHeartbeat))), turnToken);
                if (await Task.WhenAny(move, heartbeat) == move)
                {
                    break;
                }

                heartbeat = null;
                // The turn was stopped: the timer waited on its token, so it fires at once, and would again and again
                // (a burst of heartbeats) until the aborted read noticed. Stop here; the abort ends the read.
                turnToken.ThrowIfCancellationRequested();
                if (chat.HeartbeatInterval - Stopwatch.GetElapsedTime(Math.Max(lastActivity, lastHeartbeat)) > TimeSpan.FromMilliseconds(1))
                {
                    continue; // armed before the last token: wait out the rest of the interval (timers tick in whole ms)
                }

                if (Stopwatch.GetElapsedTime(lastActivity) > chat.StallTimeout)
                {
                    throw new TimeoutException($"Ollama sent nothing for {chat.StallTimeout.TotalSeconds:0} s.");
                }

                await sse.HeartbeatAsync(requestToken);
                lastHeartbeat = Stopwatch.GetTimestamp();
            }

            return await move;
        }

        static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>
    /// Stops the request to Ollama and waits for a read still in flight to notice, so the enumerator can be disposed
    /// (an async iterator cannot be disposed while a MoveNextAsync is pending).
    /// </summary>
    private static async Task AbandonAsync(CancellationTokenSource upstream, Task<bool>? pending)
    {
        if (pending is null || pending.IsCompleted)
        {
            return;
        }

        await upstream.CancelAsync();
        try
        {
            await pending.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Expected: the read was aborted. Nothing of it is used.
        }
    }

    /// <summary>The first answer arrived inside the window: pass it on, or turn a refusal into an HTTP problem.</summary>
    private async Task<bool> AwaitFirstAsync(Task<bool> first, Conversation? created, Message user, Message assistant, OllamaStreamWatch watch, TagList tags)
    {
        try
        {
            return await first;
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaException or JsonException or IOException)
        {
            // Nothing was generated: drop the empty answer, keep the question (its id lets the client retry with regenerate).
            db.Messages.Remove(assistant);
            await db.SaveChangesAsync(CancellationToken.None);
            var error = Describe(ex, watch, null);
            var status = error.Code switch
            {
                ProblemCodes.Busy => 429,
                ProblemCodes.InvalidRequest => 400,
                _ => 503,
            };
            if (status == 429)
            {
                telemetry.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, "upstream_busy"));
            }

            Count(tags, status == 429 ? "rejected" : "failed");
            throw new ApiProblem(status, error.Code, error.Message + " Your message was saved; retry to get an answer.",
                messageId: user.Id, retryAfterSeconds: status == 429 ? admission.RetryAfterSeconds : null)
            {
                // A first message's conversation stays, with the question in it: the client retries there.
                ConversationId = created?.Id,
            };
        }
    }

    private static ErrorDto Describe(Exception ex, OllamaStreamWatch watch, Guid? messageId)
    {
        var status = (ex as HttpRequestException)?.StatusCode ?? (HttpStatusCode?)watch.StatusCode;
        return (ex, status) switch
        {
            (HttpRequestException, HttpStatusCode.ServiceUnavailable) => new(ProblemCodes.Busy, "The model server is busy (Ollama's queue is full).", messageId),
            (HttpRequestException, HttpStatusCode.NotFound) => new(ProblemCodes.ModelUnavailable, watch.Error ?? "The model is not available yet (still downloading?).", messageId),
            (HttpRequestException, null or 0) => new(ProblemCodes.OllamaUnreachable, "The model server cannot be reached.", messageId),
            (HttpRequestException, _) => new(ProblemCodes.ModelError, watch.Error ?? $"Ollama answered {(int)status!}.", messageId),
            (IncompleteAnswerException, _) => new(ProblemCodes.IncompleteAnswer, ex.Message, messageId),
            (OllamaException, _) when status == HttpStatusCode.BadRequest => new(ProblemCodes.InvalidRequest, ex.Message, messageId),
            (OllamaException, _) => new(ProblemCodes.ModelError, ex.Message, messageId),
            (JsonException, _) => new(ProblemCodes.BadResponse, "Ollama sent a response that could not be read.", messageId),
            (TimeoutException, _) => new(ProblemCodes.Stalled, ex.Message, messageId),
            _ => new(ProblemCodes.ModelError, watch.Error ?? "The connection to the model server broke.", messageId),
        };
    }

    private static void Complete(Message assistant, string content, ChatDoneResponseStream? done, ErrorDto? failure, bool cancelled, double? ttft, double elapsedMs, DateTime now)
    {
        assistant.Content = content;
        assistant.CompletedAt = now;
        assistant.TimeToFirstTokenMs = ttft is null ? null : Math.Round(ttft.Value, 1);
        assistant.TotalMs = Math.Round(elapsedMs, 1);
        if (cancelled)
        {
            (assistant.Status, assistant.FinishReason) = (MessageStatus.Cancelled, "cancelled");
        }
        else if (failure is not null)
        {
            (assistant.Status, assistant.FinishReason, assistant.ErrorCode, assistant.ErrorMessage) = (MessageStatus.Failed, "error", failure.Code, failure.Message);
        }
        else
        {
            var length = string.Equals(done!.DoneReason, "length", StringComparison.Ordinal);
            (assistant.Status, assistant.FinishReason) = length ? (MessageStatus.Truncated, "length") : (MessageStatus.Complete, done.DoneReason ?? "stop");
        }

        if (done is not null)
        {
            assistant.InputTokens = done.PromptEvalCount;
            assistant.OutputTokens = done.EvalCount;
            assistant.OutputTokensPerSecond = Rate(done.EvalCount, done.EvalDuration);
            assistant.PromptTokensPerSecond = Rate(done.PromptEvalCount, done.PromptEvalDuration);
        }
    }

    private void Record(Message answer, TagList tags)
    {
        Count(tags, answer.Status);
        if (answer.TimeToFirstTokenMs is { } ttft)
        {
            telemetry.TimeToFirstToken.Record(ttft / 1000, tags);
        }

        if (answer.TotalMs is { } total)
        {
            telemetry.Duration.Record(total / 1000, tags);
        }

        if (answer.OutputTokensPerSecond is { } output)
        {
            telemetry.OutputRate.Record(output, tags);
        }

        if (answer.PromptTokensPerSecond is { } prefill)
        {
            telemetry.PrefillRate.Record(prefill, tags);
        }

        if (answer.InputTokens is { } input)
        {
            var t = tags;
            t.Add(ChatTelemetry.TokenTypeTag, "input");
            telemetry.Tokens.Add(input, t);
        }

        if (answer.OutputTokens is { } generated)
        {
            var t = tags;
            t.Add(ChatTelemetry.TokenTypeTag, "output");
            telemetry.Tokens.Add(generated, t);
        }
    }

    /// <summary>Tokens per second from Ollama's counters (durations are nanoseconds).</summary>
    private static double? Rate(long count, long durationNs) => count > 0 && durationNs > 0 ? Math.Round(count / (durationNs / 1e9), 2) : null;

    private async Task SaveFinalAsync(Message assistant)
    {
        try
        {
            // Never tied to the request: a disconnect must not stop the partial answer being saved.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Conversation of answer {MessageId} was deleted while it streamed; nothing to save.", assistant.Id);
        }
    }
}
