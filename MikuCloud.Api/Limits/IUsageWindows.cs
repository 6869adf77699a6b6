namespace MikuCloud.Api.Limits;

/// <summary>
/// Sliding windows of weighted usage per key (a user's requests or tokens, a user name's failed sign-ins): the rules
/// (<see cref="RequestRateLimit"/>, <see cref="TokenBudget"/>, <see cref="Accounts.LoginThrottle"/>) are written once
/// over this, and the store is this process's memory (<see cref="InProcessUsageWindows"/>) or, when several API
/// processes serve the same users, Redis (<see cref="ScaleOut.RedisUsageWindows"/>), so a limit is exact across them.
/// </summary>
public interface IUsageWindows
{
    /// <summary>
    /// Adds <paramref name="weight"/> to <paramref name="key"/>'s window if its total stays within <paramref name="limit"/>.
    /// </summary>
    /// <returns>Null when added; otherwise how long until it would fit (nothing was added).</returns>
    ValueTask<TimeSpan?> TryAddAsync(string key, long weight, long limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Null while <paramref name="key"/>'s total in the window is under <paramref name="limit"/>; otherwise how long until it is.</summary>
    ValueTask<TimeSpan?> WaitAsync(string key, long limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="weight"/> to <paramref name="key"/>'s window whatever its total.</summary>
    ValueTask AddAsync(string key, long weight, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Forgets <paramref name="key"/>'s window.</summary>
    ValueTask ClearAsync(string key, CancellationToken cancellationToken = default);
}
