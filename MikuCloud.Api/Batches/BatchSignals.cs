namespace MikuCloud.Api.Batches;

/// <summary>
/// "Something changed in the batches" within this process: the worker pulses it when an item finishes, the endpoints
/// when a batch starts, is cancelled or retried. Event streams and an idle worker wake at once instead of at their next
/// poll (they still poll: other replicas do not pulse this process).
/// </summary>
public sealed class BatchSignals
{
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref changed).Task;

    /// <summary>Wakes everyone waiting on <see cref="Next"/>.</summary>
    public void Pulse() => Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next pulse, at most <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing happened here; the caller polls the database.
        }
    }
}
