using System.Collections.Concurrent;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Conversations with an answer being generated on this instance. One answer at a time per conversation
/// (a second send gets 409), and deleting a conversation stops its answer first.
/// </summary>
public sealed class ActiveTurns
{
    private readonly ConcurrentDictionary<Guid, Turn> turns = new();

    /// <summary>Registers the owner's running answer in a conversation; false when one is already running there.</summary>
    public bool TryBegin(Guid conversationId, string ownerId, CancellationTokenSource cancellation) =>
        turns.TryAdd(conversationId, new Turn(ownerId, cancellation));

    public void End(Guid conversationId, CancellationTokenSource cancellation)
    {
        if (turns.TryGetValue(conversationId, out var turn) && ReferenceEquals(turn.Cancellation, cancellation))
        {
            turns.TryRemove(new KeyValuePair<Guid, Turn>(conversationId, turn));
        }
    }

    public bool IsActive(Guid conversationId) => turns.ContainsKey(conversationId);

    /// <summary>
    /// Stops the conversation's running answer, if any, and only when <paramref name="ownerId"/> owns it: a caller's
    /// say-so about a conversation id proves nothing, so another user's id must have no effect at all (it answers 404
    /// like an unknown id, and the owner's answer streams on).
    /// </summary>
    public bool Cancel(Guid conversationId, string ownerId)
    {
        if (turns.TryGetValue(conversationId, out var turn) && string.Equals(turn.OwnerId, ownerId, StringComparison.Ordinal))
        {
            turn.Cancellation.Cancel();
            return true;
        }

        return false;
    }

    public int Count => turns.Count;

    private sealed record Turn(string OwnerId, CancellationTokenSource Cancellation);
}
