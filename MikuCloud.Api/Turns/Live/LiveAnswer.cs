using System.Text;
using System.Threading.Channels;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// One answer being generated on this replica: its text so far and the readers attached to it. Every delta a reader
/// gets carries its end offset, and attaching hands over the text from an offset and the live rest under one lock, so
/// a reader that comes back with its last offset misses nothing and sees nothing twice.
/// </summary>
public sealed class LiveAnswer
{
    private readonly Lock gate = new();
    private readonly StringBuilder text = new();
    private readonly List<ChannelWriter<TurnEvent>> readers = [];
    private readonly Action stop;
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TurnEvent? final;

    internal LiveAnswer(Guid id, Guid conversationId, string ownerId, Action stop, string? textSoFar = null)
    {
        (Id, ConversationId, OwnerId, this.stop) = (id, conversationId, ownerId, stop);
        text.Append(textSoFar);
    }

    /// <summary>The answer's message id.</summary>
    public Guid Id { get; }

    /// <summary>The conversation it answers in.</summary>
    public Guid ConversationId { get; }

    /// <summary>Whose answer it is: only they may attach to it or stop it.</summary>
    public string OwnerId { get; }

    /// <summary>Characters so far.</summary>
    public int Length
    {
        get
        {
            lock (gate)
            {
                return text.Length;
            }
        }
    }

    /// <summary>Completes when the answer is saved and no longer live.</summary>
    public Task Ended => ended.Task;

    /// <summary>Stops the answer as the Stop button does: what was generated is saved as cancelled.</summary>
    public void Stop() => stop();

    /// <summary>The text so far, for the checkpoint that saves it.</summary>
    public string Text()
    {
        lock (gate)
        {
            return text.ToString();
        }
    }

    /// <summary>
    /// A reader from <paramref name="offset"/> (characters the reader already has; clamped to the text so far): the
    /// text after it at once, then every later delta, heartbeat and the final event.
    /// </summary>
    public LiveAnswerReader Attach(int offset)
    {
        var channel = Channel.CreateUnbounded<TurnEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        lock (gate)
        {
            var from = Math.Clamp(offset, 0, text.Length);
            if (from < text.Length)
            {
                channel.Writer.TryWrite(new TurnEvent.AnswerDelta(text.ToString(from, text.Length - from)) { End = text.Length });
            }

            if (final is not null)
            {
                channel.Writer.TryWrite(final);
                channel.Writer.TryComplete();
            }
            else
            {
                readers.Add(channel.Writer);
            }
        }

        return new LiveAnswerReader(channel.Reader, () => Detach(channel.Writer));
    }

    /// <summary>Adds a delta; returns the end offset it carries.</summary>
    internal int Append(string delta)
    {
        lock (gate)
        {
            text.Append(delta);
            var end = text.Length;
            if (readers.Count > 0)
            {
                var e = new TurnEvent.AnswerDelta(delta) { End = end };
                foreach (var reader in readers)
                {
                    reader.TryWrite(e);
                }
            }

            return end;
        }
    }

    /// <summary>Passes a heartbeat to the attached readers (idle connections stay open).</summary>
    internal void Beat()
    {
        lock (gate)
        {
            foreach (var reader in readers)
            {
                reader.TryWrite(TurnEvent.Heartbeat.Instance);
            }
        }
    }

    /// <summary>The answer is saved: readers get its final event (done or error) and end.</summary>
    internal void End(TurnEvent last)
    {
        lock (gate)
        {
            if (final is not null)
            {
                return;
            }

            final = last;
            foreach (var reader in readers)
            {
                reader.TryWrite(last);
                reader.TryComplete();
            }

            readers.Clear();
        }

        ended.TrySetResult();
    }

    private void Detach(ChannelWriter<TurnEvent> reader)
    {
        lock (gate)
        {
            readers.Remove(reader);
        }
    }
}
