using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Chat;
using OllamaSharp.Models.Exceptions;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatDoneResponseStream = OllamaSharp.Models.Chat.ChatDoneResponseStream;

namespace MikuCloud.Api.Turns;

/// <summary>
/// One answer streamed from Ollama through <see cref="IChatClient"/>: the first-response window (a refusal in it is
/// still the door's problem to answer), then deltas and heartbeats as <see cref="TurnEvent"/>s, stall detection, and how it ended.
/// </summary>
/// <remarks>
/// Every early end (stall, client gone, Stop, a deleted conversation, the longest turn) cancels <c>upstream</c>, which
/// aborts the request to Ollama at once (<see cref="OllamaStreamWatchHandler"/>) so it stops generating, and ends any
/// read still pending. The watch, carried in the call's options, is how the HTTP handler tells this stream what
/// OllamaSharp does not surface, and how the turn's cancellation reaches that handler.
/// </remarks>
public sealed class AnswerStream(IChatClient chatClient, ChatServerOptions chat, ILogger logger) : IAsyncDisposable
{
    private CancellationTokenSource upstream = null!;
    private IAsyncEnumerator<ChatResponseUpdate> updates = null!;
    private Task<bool>? pending;
    private long started;

    /// <summary>What the raw Ollama stream said (status, an error line or body) for this answer.</summary>
    public OllamaStreamWatch Watch { get; private set; } = new();

    /// <summary>
    /// Calls Ollama (<paramref name="replica"/>; null: the connection string's endpoint) and waits up to the
    /// first-response window for its first answer: true/false when it came (more to read or not), null when it is still
    /// coming. An Ollama refusal in the window is thrown as it came; after one, the stream may be opened again (on another replica).
    /// </summary>
    public async Task<bool?> OpenAsync(List<AiChatMessage> messages, ChatOptions options, Uri? replica, CancellationToken turnToken)
    {
        await CloseAsync(); // a refused call before this one
        upstream = CancellationTokenSource.CreateLinkedTokenSource(turnToken);
        Watch = new OllamaStreamWatch { Cancellation = upstream.Token, Replica = replica };
        Watch.AttachTo(options); // explicitly down to the HTTP handler of this call (WatchedOllamaChatClient)
        started = Stopwatch.GetTimestamp();
        updates = chatClient.GetStreamingResponseAsync(messages, options, upstream.Token).GetAsyncEnumerator(upstream.Token);
        var first = pending = updates.MoveNextAsync().AsTask();
        if (await Task.WhenAny(first, Task.Delay(chat.FirstResponseWindow, turnToken)) != first)
        {
            return null;
        }

        try
        {
            return await first;
        }
        catch (Exception ex) when (!OllamaFailures.IsOllamaFailure(ex))
        {
            return null; // not a refusal: the read below meets it again and ends the answer as it would mid-stream
        }
    }

    /// <summary>Reads the answer to its end, writing deltas and heartbeats; says how it ended.</summary>
    public async Task<AnswerOutcome> ReadAsync(bool? hasFirst, ChannelWriter<TurnEvent> events, Guid answerId, CancellationToken turnToken,
        CancellationToken doorToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var lastActivity = started;
        var lastHeartbeat = started;
        Task? heartbeat = null;
        double? timeToFirstToken = null;
        var text = new StringBuilder();
        ChatDoneResponseStream? done = null;
        ErrorDto? failure = null;
        var cancelled = false;
        try
        {
            var more = hasFirst ?? await NextAsync(pending!);
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
                    events.TryWrite(new TurnEvent.AnswerDelta(update.Text));
                }

                // Per chunk on the hot path: an index loop, not LINQ over the IList (an enumerator allocated per token).
                for (var i = 0; i < update.Contents.Count; i++)
                {
                    if (update.Contents[i] is FunctionCallContent call)
                    {
                        timeToFirstToken ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        events.TryWrite(new TurnEvent.ToolCallRequested(new TranscriptToolCall(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments))));
                    }
                }

                more = await NextAsync(pending = updates.MoveNextAsync().AsTask());
            }

            // A stopped stream ends quietly (OllamaOutcomeChatClient): stopping is not a failure, but it is not done either.
            turnToken.ThrowIfCancellationRequested();
            if (done is null)
            {
                failure = new ErrorDto(Watch.Error is null ? ProblemCodes.IncompleteAnswer : ProblemCodes.ModelError,
                    Watch.Error ?? "Ollama ended the answer without finishing it.", answerId);
            }
        }
        catch (Exception ex) when (turnToken.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException or OllamaException)
        {
            // The turn was stopped; aborting the upstream response makes the pending read fail with an I/O error
            // rather than a cancellation, so any of these after the token fired means "stopped", not "Ollama failed".
            if (!doorToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) >= chat.MaxTurnDuration - TimeSpan.FromSeconds(1))
            {
                failure = new ErrorDto(ProblemCodes.TooLong, $"The answer ran longer than {chat.MaxTurnDuration.TotalMinutes:0.#} minutes and was stopped.", answerId);
            }
            else
            {
                // The client went away (or the conversation was deleted): Ollama's request is already cancelled with it.
                cancelled = true;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaException or JsonException or IOException or TimeoutException or InvalidOperationException)
        {
            failure = OllamaFailures.Describe(ex, Watch, answerId);
            // When this ends the stream early (a stall), the GenAI span reports this failure, not the abort.
            Watch.AbortedBy = ex;
            logger.LogWarning("Answer {MessageId} failed after {Chars} characters: {Error}", answerId, text.Length, failure.Message);
        }
        finally
        {
            await AbandonAsync();
        }

        return new AnswerOutcome(text.ToString(), done, failure, cancelled, timeToFirstToken, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

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

                events.TryWrite(TurnEvent.Heartbeat.Instance);
                lastHeartbeat = Stopwatch.GetTimestamp();
            }

            return await move;
        }

        static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>Ends the call: a read still in flight is aborted first (an async iterator cannot be disposed mid-read).</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        GC.SuppressFinalize(this);
    }

    private async Task CloseAsync()
    {
        await AbandonAsync();
        if (updates is not null)
        {
            await updates.DisposeAsync();
            updates = null!;
        }

        upstream?.Dispose();
        upstream = null!;
        pending = null;
    }

    /// <summary>
    /// Stops the request to Ollama and waits for a read still in flight to notice, so the enumerator can be disposed.
    /// </summary>
    private async Task AbandonAsync()
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
}
