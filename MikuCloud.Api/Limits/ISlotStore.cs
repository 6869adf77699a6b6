namespace MikuCloud.Api.Limits;

/// <summary>
/// Bounded counts of things running now (a user's answers being generated; in scale-out, a replica's generation slots):
/// in this process (<see cref="InProcessSlotStore"/>), or leases in Redis that every API process sees and that expire
/// when the process holding them dies (<see cref="ScaleOut.RedisSlotStore"/>).
/// </summary>
public interface ISlotStore
{
    /// <summary>Takes one of <paramref name="key"/>'s slots if fewer than <paramref name="limit"/> are taken.</summary>
    /// <returns>Whether a slot was taken.</returns>
    ValueTask<bool> TryTakeAsync(string key, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gives back a slot this process took with <see cref="TryTakeAsync"/>. Never throws.</summary>
    void Release(string key);

    /// <summary>How many of <paramref name="key"/>'s slots are taken, as last seen (never waits on I/O).</summary>
    int Taken(string key);
}
