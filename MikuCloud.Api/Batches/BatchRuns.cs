using System.Collections.Concurrent;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The items this process is answering now, by batch: cancelling or deleting a batch stops them at once (their Ollama
/// calls are cancelled). Items running on another replica stop when their claim renewal finds the batch cancelled.
/// </summary>
public sealed class BatchRuns
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> items = new();
    private readonly ConcurrentDictionary<Guid, Guid> batchOf = new();

    /// <summary>Registers a running item; dispose the result when it ends.</summary>
    public IDisposable Begin(Guid batchId, Guid itemId, CancellationTokenSource stop)
    {
        items[itemId] = stop;
        batchOf[itemId] = batchId;
        return new Registration(this, itemId);
    }

    /// <summary>Stops every item of the batch running here; returns how many.</summary>
    public int Cancel(Guid batchId)
    {
        var stopped = 0;
        foreach (var (itemId, batch) in batchOf)
        {
            if (batch == batchId && items.TryGetValue(itemId, out var stop))
            {
                Stop(stop);
                stopped++;
            }
        }

        return stopped;
    }

    /// <summary>Items running in this process.</summary>
    public int Count => items.Count;

    private static void Stop(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }
    }

    private sealed class Registration(BatchRuns runs, Guid itemId) : IDisposable
    {
        public void Dispose()
        {
            runs.items.TryRemove(itemId, out _);
            runs.batchOf.TryRemove(itemId, out _);
        }
    }
}
