using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Bounds generations per instance: at most <see cref="ChatServerOptions.MaxConcurrentGenerations"/> run, at most
/// <see cref="ChatServerOptions.MaxQueue"/> wait (first come, first served), and the rest are refused at once so the
/// API can answer 429 with Retry-After instead of piling requests onto a GPU that is already full.
/// </summary>
public sealed class AdmissionControl(IOptions<ChatServerOptions> options)
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource<Lease>> waiting = new();
    private readonly ChatServerOptions settings = options.Value;
    private int running;

    /// <summary>Generations running now.</summary>
    public int Running { get { lock (gate) { return running; } } }

    /// <summary>Requests waiting for a slot.</summary>
    public int Queued { get { lock (gate) { return waiting.Count; } } }

    /// <summary>Seconds a refused client should wait: a rough slot turnover.</summary>
    public int RetryAfterSeconds => Math.Clamp(5 * (1 + Queued / Math.Max(1, settings.MaxConcurrentGenerations)), 5, 120);

    /// <summary>A slot, or <c>null</c> when the queue is full or the wait timed out. Dispose the lease to free the slot.</summary>
    public async Task<Lease?> TryEnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Lease> ticket;
        LinkedListNode<TaskCompletionSource<Lease>> node;
        lock (gate)
        {
            if (running < settings.MaxConcurrentGenerations && waiting.Count == 0)
            {
                running++;
                return new Lease(this);
            }

            if (waiting.Count >= settings.QueueLimit)
            {
                return null;
            }

            ticket = new TaskCompletionSource<Lease>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = waiting.AddLast(ticket);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.QueueTimeout);
        await using (timeout.Token.Register(() => { lock (gate) { if (node.List is not null) { waiting.Remove(node); ticket.TrySetCanceled(); } } }))
        {
            try
            {
                return await ticket.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return null; // waited too long
            }
        }
    }

    private void Release()
    {
        lock (gate)
        {
            // Hand the slot straight to the oldest waiter, so a newcomer cannot jump the queue.
            while (waiting.First is { } first)
            {
                waiting.RemoveFirst();
                if (first.Value.TrySetResult(new Lease(this)))
                {
                    return;
                }
            }

            running--;
        }
    }

    /// <summary>A held generation slot.</summary>
    public sealed class Lease(AdmissionControl owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
