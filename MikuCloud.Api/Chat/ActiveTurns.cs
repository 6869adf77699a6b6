using System.Collections.Concurrent;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Conversations with an answer being generated on this instance. One answer at a time per conversation
/// (a second send gets 409), and deleting a conversation stops its answer first.
/// </summary>
public sealed class ActiveTurns
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> turns = new();

    public bool TryBegin(Guid conversationId, CancellationTokenSource cancellation) => turns.TryAdd(conversationId, cancellation);

    public void End(Guid conversationId, CancellationTokenSource cancellation) =>
        turns.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(conversationId, cancellation));

    public bool IsActive(Guid conversationId) => turns.ContainsKey(conversationId);

    /// <summary>Stops the conversation's running answer, if any.</summary>
    public bool Cancel(Guid conversationId)
    {
        if (turns.TryGetValue(conversationId, out var cts))
        {
            cts.Cancel();
            return true;
        }

        return false;
    }

    public int Count => turns.Count;
}
