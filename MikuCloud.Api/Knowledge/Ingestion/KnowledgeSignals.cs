namespace MikuCloud.Api.Knowledge;

/// <summary>
/// "Something changed in the knowledge documents" within this process: uploads, re-index and delete pulse it, and the
/// worker after each page. Event streams and an idle worker wake at once instead of at their next poll (they still
/// poll: other replicas do not pulse this process).
/// </summary>
public sealed class KnowledgeSignals
{
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref changed).Task;

    /// <summary>Wakes everyone waiting on <see cref="Next"/>.</summary>
    public void Pulse() => Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next pulse, at most <paramref name="timeout"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => WaitAsync(Next, timeout, time, cancellationToken);

    /// <summary>Waits for <paramref name="pulse"/> (a <see cref="Next"/> taken earlier, so nothing between is missed), at most <paramref name="timeout"/>.</summary>
    public static async Task WaitAsync(Task pulse, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pulse);
        try
        {
            await pulse.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing happened here; the caller looks in the database.
        }
    }
}
