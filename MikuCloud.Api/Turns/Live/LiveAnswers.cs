using System.Collections.Concurrent;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// The answers being generated on this replica, by message id: what attaching readers follow, what the checkpoint
/// saves every second, and what a Stop (from this replica or relayed from another) reaches.
/// </summary>
public sealed class LiveAnswers
{
    private readonly ConcurrentDictionary<Guid, LiveAnswer> answers = new();

    /// <summary>The answers live here now.</summary>
    public ICollection<LiveAnswer> All => answers.Values;

    /// <summary>
    /// Registers an answer that is starting; <paramref name="stop"/> cancels its turn. A continued answer starts from
    /// <paramref name="textSoFar"/>: the checkpoint saves the whole answer and offsets count from its start.
    /// </summary>
    public LiveAnswer Begin(Guid answerId, Guid conversationId, string ownerId, Action stop, string? textSoFar = null)
    {
        var live = new LiveAnswer(answerId, conversationId, ownerId, stop, textSoFar);
        answers[answerId] = live;
        return live;
    }

    /// <summary>The answer is saved: its readers get <paramref name="last"/> and it is no longer live.</summary>
    public void End(LiveAnswer live, TurnEvent last)
    {
        ArgumentNullException.ThrowIfNull(live);
        live.End(last);
        answers.TryRemove(new KeyValuePair<Guid, LiveAnswer>(live.Id, live));
    }

    /// <summary>
    /// The owner's answer <paramref name="answerId"/> in <paramref name="conversationId"/>, if it is live here; another
    /// owner's is as absent as an unknown one.
    /// </summary>
    public LiveAnswer? Find(Guid conversationId, Guid answerId, string ownerId) =>
        answers.TryGetValue(answerId, out var live) && live.ConversationId == conversationId && string.Equals(live.OwnerId, ownerId, StringComparison.Ordinal)
            ? live
            : null;

    /// <summary>The answer if it is live here, whoever owns it (for the relay between replicas, which checked ownership at the door).</summary>
    public LiveAnswer? Get(Guid answerId) => answers.GetValueOrDefault(answerId);

    /// <summary>Stops the answer if it is live here (a Stop relayed from another replica, already checked for ownership there).</summary>
    public bool Stop(Guid answerId)
    {
        if (answers.TryGetValue(answerId, out var live))
        {
            live.Stop();
            return true;
        }

        return false;
    }
}
