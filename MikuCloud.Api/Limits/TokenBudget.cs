namespace MikuCloud.Api.Limits;

/// <summary>
/// Tokens each user spent in the last minute (prompt + answer, from Ollama's counters when a turn ends). A new turn is
/// refused while the sum is at the limit, with the time until enough of it ages out. Counted in
/// <see cref="IUsageWindows"/>: this process, or every API process sharing one Redis.
/// </summary>
public sealed class TokenBudget(UserLimits limits, IUsageWindows windows)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Null when the user may start a turn; otherwise how long to wait.</summary>
    public ValueTask<TimeSpan?> RetryAfterAsync(string userId, CancellationToken cancellationToken = default) =>
        limits.Tokens <= 0 ? ValueTask.FromResult<TimeSpan?>(null) : windows.WaitAsync(Key(userId), limits.Tokens, Window, cancellationToken);

    /// <summary>Counts what a finished turn spent.</summary>
    public ValueTask RecordAsync(string userId, long tokens, CancellationToken cancellationToken = default) =>
        limits.Tokens <= 0 || tokens <= 0 ? ValueTask.CompletedTask : windows.AddAsync(Key(userId), tokens, Window, cancellationToken);

    private static string Key(string userId) => $"tokens:{userId}";
}
