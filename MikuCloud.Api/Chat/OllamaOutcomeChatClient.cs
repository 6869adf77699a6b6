using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Exceptions;
using ChatDoneResponseStream = OllamaSharp.Models.Chat.ChatDoneResponseStream;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Sits right above OllamaSharp, under <c>UseOpenTelemetry</c>, and tells the layers above how a stream really ended,
/// so the GenAI span (<c>chat miku-vl</c>) and <c>gen_ai.client.operation.duration</c> say what the user saw:
/// <list type="bullet">
/// <item>Ollama's mid-stream <c>{"error": …}</c> line (OllamaSharp swallows it and ends the stream quietly; the
/// <see cref="OllamaStreamWatch"/> saw it) becomes an <see cref="OllamaException"/> with Ollama's message: an error.</item>
/// <item>A stream that ends without Ollama's final <c>done</c> line becomes an <see cref="IncompleteAnswerException"/>.</item>
/// <item>A stream stopped by its caller (the user's Stop, a deleted conversation) ends quietly, whatever the aborted
/// read threw (an <see cref="IOException"/> "Operation canceled", mostly): stopping is a normal outcome, not an error;
/// the span says <c>mikucloud.outcome = cancelled</c>. Unless the caller stopped because Ollama stalled: that failure
/// (<see cref="OllamaStreamWatch.AbortedBy"/>) is the span's error.</item>
/// </list>
/// </summary>
public sealed class OllamaOutcomeChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <summary>Where <c>UseOpenTelemetry</c> puts the GenAI spans by default.</summary>
    private const string GenAiSource = "Experimental.Microsoft.Extensions.AI";

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var watch = OllamaStreamWatch.From(options);
        // The GenAI span (UseOpenTelemetry, just above) is current while it pulls from here.
        var span = Activity.Current is { Source.Name: GenAiSource } genAi ? genAi : null;
        var finished = false;
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                Stopped(watch, span);
                yield break;
            }

            finished |= updates.Current.RawRepresentation is ChatDoneResponseStream;
            yield return updates.Current;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            Stopped(watch, span);
            yield break;
        }

        if (watch?.Error is { } error)
        {
            throw new OllamaException(error);
        }

        if (!finished)
        {
            throw new IncompleteAnswerException();
        }
    }

    /// <summary>
    /// The caller stopped reading. A Stop is a normal outcome; a stall (the caller gave up on a silent Ollama) is the
    /// caller's failure, reported here so the span shows it.
    /// </summary>
    private static void Stopped(OllamaStreamWatch? watch, Activity? span)
    {
        if (watch?.AbortedBy is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        span?.SetTag(ChatTelemetry.OutcomeTag, MessageStatus.Cancelled);
    }
}
