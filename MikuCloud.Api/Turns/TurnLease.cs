using MikuCloud.Api.Chat;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Turns;

/// <summary>
/// What a turn holds while it runs, given by <see cref="TurnGate"/>: the conversation's one answer (its cancellation
/// is how Stop and a deleted conversation reach the turn), the user's stream slot, a generation slot and, once routed,
/// a slot of the Ollama replica answering it.
/// </summary>
public sealed class TurnLease : IDisposable
{
    private readonly ActiveTurns active;
    private readonly Guid conversationId;
    private IDisposable? slot;
    private IDisposable? admission;
    private ReplicaLease? replica;

    internal TurnLease(ActiveTurns active, Guid conversationId, CancellationTokenSource cancellation) =>
        (this.active, this.conversationId, Cancellation) = (active, conversationId, cancellation);

    /// <summary>Cancelled when the turn must stop: the door's token, Stop, a deleted conversation, the longest turn.</summary>
    public CancellationTokenSource Cancellation { get; }

    internal void Hold(IDisposable? streamSlot, IDisposable generation) => (slot, admission) = (streamSlot, generation);

    internal void HoldSlot(IDisposable streamSlot) => slot = streamSlot;

    /// <summary>The replica slot the turn holds (null before it is routed).</summary>
    public ReplicaLease? Replica => replica;

    /// <summary>Holds <paramref name="routed"/>, giving back the replica slot held before (a replica that refused the turn).</summary>
    internal void HoldReplica(ReplicaLease routed)
    {
        replica?.Dispose();
        replica = routed;
    }

    /// <summary>Frees the slots and the conversation for its next answer.</summary>
    public void Dispose()
    {
        replica?.Dispose();
        admission?.Dispose();
        slot?.Dispose();
        active.End(conversationId, Cancellation);
        Cancellation.Dispose();
    }
}
