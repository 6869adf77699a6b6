using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// Attaching to an answer and stopping it, for its owner, wherever it is generated: live on this replica (the text from
/// an offset, then the rest as it comes), on another replica (<see cref="RemoteAnswerFollower"/>), or already finished
/// (its stored text and <c>done</c>). Another owner's answer is as unknown as a made-up id.
/// </summary>
public sealed class AnswerFollower(ChatDbContext db, LiveAnswers live, IAnswerRelay relay, RemoteAnswerFollower remote, TimeProvider time)
{
    /// <summary>How long Stop waits for the stopped answer to be saved before answering "accepted".</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The answer's events after <paramref name="offset"/> characters: deltas (each with its end offset), heartbeats,
    /// then <see cref="TurnEvent.AnswerDone"/> (or <see cref="TurnEvent.AnswerFailed"/> when it failed or was stopped while followed).
    /// </summary>
    public async Task<IAsyncEnumerable<TurnEvent>> FollowAsync(string ownerId, Guid conversationId, Guid messageId, int offset, CancellationToken cancellationToken)
    {
        // Live here first: an answer leaves the registry only after its final state is saved, so a miss then a
        // database read never sees it half-finished.
        if (live.Find(conversationId, messageId, ownerId) is { } here)
        {
            return Local(here.Attach(offset), cancellationToken);
        }

        var message = await FindOwnedAsync(ownerId, conversationId, messageId, cancellationToken);
        if (message.Status != MessageStatus.Streaming)
        {
            return Finished(message, offset);
        }

        return live.Find(conversationId, messageId, ownerId) is { } started
            ? Local(started.Attach(offset), cancellationToken)
            : remote.FollowAsync(messageId, offset, cancellationToken);
    }

    /// <summary>
    /// Stops the owner's answer if it is still being generated (here, or on the replica generating it) and returns it
    /// as saved; null when it was stopped elsewhere and not saved within <see cref="StopWait"/>. A finished answer is returned as it is.
    /// </summary>
    public async Task<MessageDto?> StopAsync(string ownerId, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        if (live.Find(conversationId, messageId, ownerId) is { } here)
        {
            here.Stop();
            await Task.WhenAny(here.Ended, Task.Delay(StopWait, time, cancellationToken)).ConfigureAwait(false);
            return Mapping.ToDto(await FindOwnedAsync(ownerId, conversationId, messageId, cancellationToken));
        }

        var message = await FindOwnedAsync(ownerId, conversationId, messageId, cancellationToken);
        if (message.Status != MessageStatus.Streaming)
        {
            return Mapping.ToDto(message);
        }

        await relay.RequestStopAsync(messageId, cancellationToken);
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < StopWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            var now = await FindOwnedAsync(ownerId, conversationId, messageId, cancellationToken);
            if (now.Status != MessageStatus.Streaming)
            {
                return Mapping.ToDto(now);
            }
        }

        return null;
    }

    private async Task<Message> FindOwnedAsync(string ownerId, Guid conversationId, Guid messageId, CancellationToken cancellationToken) =>
        await db.Messages.AsNoTracking().Include(m => m.Images)
            .FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversationId && m.Conversation!.OwnerId == ownerId, cancellationToken)
        ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");

    private static async IAsyncEnumerable<TurnEvent> Local(LiveAnswerReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (reader)
        {
            await foreach (var e in reader.Events(cancellationToken))
            {
                yield return e;
            }
        }
    }

    private static async IAsyncEnumerable<TurnEvent> Finished(Message message, int offset)
    {
        await Task.CompletedTask;
        if (offset < message.Content.Length)
        {
            yield return new TurnEvent.AnswerDelta(message.Content[Math.Max(0, offset)..]) { End = message.Content.Length };
        }

        yield return new TurnEvent.AnswerDone(Mapping.ToDto(message));
    }
}
