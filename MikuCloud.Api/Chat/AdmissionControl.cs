using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Bounds generations per instance: at most <see cref="ChatServerOptions.MaxConcurrentGenerations"/> run, at most
/// <see cref="ChatServerOptions.MaxQueue"/> wait (first come, first served), and the rest are refused at once so the
/// API can answer 429 with Retry-After instead of piling requests onto a GPU that is already full.
/// </summary>
/// <remarks>
/// Background work (batch items) has a lane of its own below chat: it enters only when a slot is free and no chat
/// waits, never queues, and gives its slot up when a chat arrives to a full house — the youngest background lease is
/// preempted (its <see cref="Lease.Preempted"/> token cancelled, which stops its Ollama call) and the freed slot goes
/// straight to the waiting chat. So a chat waits for a cancellation, never for a batch item to finish.
/// </remarks>
public sealed class AdmissionControl(IOptions<ChatServerOptions> options)
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource<Lease>> waiting = new();
    private readonly LinkedList<Lease> background = new();
    private readonly ChatServerOptions settings = options.Value;
    private int running;
    private int preempting;

    /// <summary>Generations running now.</summary>
    public int Running { get { lock (gate) { return running; } } }

    /// <summary>Requests waiting for a slot.</summary>
    public int Queued { get { lock (gate) { return waiting.Count; } } }

    /// <summary>Background generations running now.</summary>
    public int RunningInBackground { get { lock (gate) { return background.Count; } } }

    /// <summary>Whether a background entry would succeed now: a slot is free and no chat waits.</summary>
    public bool IdleForBackground { get { lock (gate) { return running < settings.MaxConcurrentGenerations && waiting.Count == 0; } } }

    /// <summary>Seconds a refused client should wait: a rough slot turnover.</summary>
    public int RetryAfterSeconds => Math.Clamp(5 * (1 + Queued / Math.Max(1, settings.MaxConcurrentGenerations)), 5, 120);

    /// <summary>A slot, or <c>null</c> when the queue is full or the wait timed out. Dispose the lease to free the slot.</summary>
    public async Task<Lease?> TryEnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Lease> ticket;
        LinkedListNode<TaskCompletionSource<Lease>> node;
        Lease? victim;
        lock (gate)
        {
            if (running < settings.MaxConcurrentGenerations && waiting.Count == 0)
            {
                running++;
                return new Lease(this, preemptible: false);
            }

            if (waiting.Count >= settings.QueueLimit)
            {
                return null;
            }

            ticket = new TaskCompletionSource<Lease>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = waiting.AddLast(ticket);
            victim = ChooseVictim();
        }

        // Outside the lock: cancelling runs the victim's callbacks (its Ollama call stops), which may release the slot at once.
        victim?.Preempt();
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

    /// <summary>
    /// A background slot, or <c>null</c> when every slot is taken or a chat is waiting (background work never queues).
    /// Watch <see cref="Lease.Preempted"/>: a chat may take the slot back.
    /// </summary>
    public Lease? TryEnterBackground()
    {
        lock (gate)
        {
            if (running >= settings.MaxConcurrentGenerations || waiting.Count > 0)
            {
                return null;
            }

            running++;
            var lease = new Lease(this, preemptible: true);
            lease.Node = background.AddLast(lease);
            return lease;
        }
    }

    /// <summary>The youngest background lease not yet told to go, while fewer are going than chats wait (under the lock).</summary>
    private Lease? ChooseVictim()
    {
        if (preempting >= waiting.Count)
        {
            return null;
        }

        for (var lease = background.Last; lease is not null; lease = lease.Previous)
        {
            if (!lease.Value.WasPreempted)
            {
                lease.Value.WasPreempted = true;
                preempting++;
                return lease.Value;
            }
        }

        return null;
    }

    private void Release(Lease lease)
    {
        lock (gate)
        {
            if (lease.Node is { List: not null } node)
            {
                background.Remove(node);
                if (lease.WasPreempted)
                {
                    preempting--;
                }
            }

            // Hand the slot straight to the oldest waiter, so a newcomer cannot jump the queue.
            while (waiting.First is { } first)
            {
                waiting.RemoveFirst();
                if (first.Value.TrySetResult(new Lease(this, preemptible: false)))
                {
                    return;
                }
            }

            running--;
        }
    }

    /// <summary>A held generation slot.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly AdmissionControl owner;
        private readonly CancellationTokenSource? preemption;
        private int disposed;

        internal Lease(AdmissionControl owner, bool preemptible) =>
            (this.owner, preemption) = (owner, preemptible ? new CancellationTokenSource() : null);

        /// <summary>Cancelled when a chat takes this background slot back (never for a chat's own lease).</summary>
        public CancellationToken Preempted => preemption?.Token ?? CancellationToken.None;

        /// <summary>Whether a chat took this slot back.</summary>
        public bool WasPreempted { get; internal set; }

        internal LinkedListNode<Lease>? Node { get; set; }

        internal void Preempt()
        {
            try
            {
                preemption?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Released meanwhile: the slot already went to the waiting chat.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release(this);
                preemption?.Dispose();
            }
        }
    }
}
