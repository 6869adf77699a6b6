namespace MikuCloud.Api.Ollama.Routing;

/// <summary>
/// Where the replicas' taken generation slots are counted: in this process (<see cref="InProcessReplicaSlots"/>), or,
/// when several API processes share the replicas, in a store they all see (leases with expiry, so a dead process's
/// slots free themselves). Several routers may share one instance.
/// </summary>
/// <remarks>
/// Taking is asynchronous (a shared store answers over the network, atomically against the other processes);
/// releasing is fire-and-forget (a lease the store never hears about expires) and reading is from what this process
/// last saw, so the router's ranking and <see cref="ReplicaRouter.Snapshot"/> never wait on I/O.
/// </remarks>
public interface IReplicaSlots
{
    /// <summary>Takes one of <paramref name="replica"/>'s slots if fewer than <paramref name="limit"/> are taken.</summary>
    /// <returns>Whether a slot was taken; false when the replica is full.</returns>
    ValueTask<bool> TryTakeAsync(Uri replica, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gives back a slot taken with <see cref="TryTakeAsync"/>. Never throws.</summary>
    void Release(Uri replica);

    /// <summary>How many of <paramref name="replica"/>'s slots are taken, as last seen.</summary>
    int Busy(Uri replica);
}
