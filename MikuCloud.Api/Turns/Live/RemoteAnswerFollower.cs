using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// Follows an answer generating on another replica: its text as last saved (at most a checkpoint old), then the
/// deltas relayed from its replica (<see cref="IAnswerRelay"/>), filling any gap between the two from the next
/// checkpoint; done when the relay says it ended or the database shows it finished (or the sweep marked it interrupted).
/// </summary>
public sealed class RemoteAnswerFollower(ChatDbContext db, IAnswerRelay relay, TimeProvider time, IOptions<ChatServerOptions> chat)
{
    /// <summary>The answer's events after <paramref name="offset"/> characters (see <see cref="AnswerFollower.FollowAsync"/>).</summary>
    public async IAsyncEnumerable<TurnEvent> FollowAsync(Guid answerId, int offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = chat.Value;
        // Subscribed before the first read: whatever is generated after it arrives; what came before is in the database or arrives with the next checkpoint.
        using var feed = relay.Subscribe(answerId);
        var pending = new SortedList<int, RelayedDelta>();
        var sent = offset;
        var lastRead = long.MinValue;
        var lastSignal = time.GetTimestamp();
        var readNow = true;
        while (true)
        {
            if (readNow || time.GetElapsedTime(lastRead) >= options.AnswerCheckpointInterval)
            {
                var message = await db.Messages.AsNoTracking().Include(m => m.Images).FirstOrDefaultAsync(m => m.Id == answerId, cancellationToken);
                lastRead = time.GetTimestamp();
                readNow = false;
                if (message is null)
                {
                    yield return new TurnEvent.AnswerFailed(new ErrorDto(ProblemCodes.MessageNotFound, "The conversation was deleted.", answerId));
                    yield break;
                }

                if (Next(message.Content, message.Content.Length, ref sent) is { } saved)
                {
                    yield return saved;
                }

                if (message.Status != MessageStatus.Streaming)
                {
                    yield return new TurnEvent.AnswerDone(Mapping.ToDto(message));
                    yield break;
                }
            }

            // Relayed pieces that join on to what the reader has, in order; later ones wait for the gap to be saved.
            while (pending.Count > 0 && pending.Values[0].End - pending.Values[0].Text.Length <= sent)
            {
                var piece = pending.Values[0];
                pending.RemoveAt(0);
                if (Next(piece.Text, piece.End, ref sent) is { } relayed)
                {
                    yield return relayed;
                }
            }

            var wait = Task.Delay(options.AnswerCheckpointInterval, time, cancellationToken);
            var arrival = feed.Deltas.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(arrival, wait) == arrival && await arrival)
            {
                while (feed.Deltas.TryRead(out var delta))
                {
                    if (delta.Ended)
                    {
                        readNow = true;
                    }
                    else
                    {
                        pending[delta.End] = delta;
                    }
                }

                lastSignal = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(lastSignal) >= options.HeartbeatInterval)
            {
                lastSignal = time.GetTimestamp();
                yield return TurnEvent.Heartbeat.Instance;
            }
        }
    }

    /// <summary>The part of <paramref name="text"/> (ending at <paramref name="end"/>) the reader does not have yet, as a delta.</summary>
    private static TurnEvent.AnswerDelta? Next(string text, int end, ref int sent)
    {
        if (end <= sent)
        {
            return null;
        }

        var start = end - text.Length;
        var delta = new TurnEvent.AnswerDelta(text[Math.Max(0, sent - start)..]) { End = end };
        sent = end;
        return delta;
    }
}
