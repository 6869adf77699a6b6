using MikuCloud.Web.Api;
using MikuCloud.Web.Chat;

namespace MikuCloud.Web.Batches;

/// <summary>
/// One batch on screen: its counts and its items, kept live from the API's event stream (Server-Sent Events, read
/// with the same <see cref="SseReader"/> as chat answers; a dropped stream is followed again after a pause, and a
/// finished batch is not followed at all), and the owner's actions on it. Raises <see cref="Changed"/>; the page renders.
/// </summary>
public sealed class BatchWatch(IMikuBatchApi api, ILogger logger) : IDisposable
{
    private const int PageSize = 100;
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource life = new();
    private Task following = Task.CompletedTask;

    public event Action? Changed;

    public BatchDto? Batch { get; private set; }

    /// <summary>The loaded items in index order (the first pages; <see cref="LoadMoreAsync"/> fetches more).</summary>
    public List<BatchItemDto> Items { get; } = [];

    public string? NextCursor { get; private set; }

    public bool NotFound { get; private set; }

    public bool LoadFailed { get; private set; }

    /// <summary>True while the event stream is open.</summary>
    public bool Live { get; private set; }

    /// <summary>An action the API refused, in its words, until the next action.</summary>
    public string? ActionError { get; private set; }

    /// <summary>Loads the batch and its first items, then follows it in the background until it finishes.</summary>
    public async Task OpenAsync(Guid id)
    {
        try
        {
            Batch = await api.GetBatchAsync(id, life.Token);
            NotFound = Batch is null;
            if (Batch is not null)
            {
                var page = await api.ListItemsAsync(id, null, PageSize, life.Token);
                Items.AddRange(page.Items);
                NextCursor = page.NextCursor;
                Follow();
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !life.IsCancellationRequested)
        {
            logger.LogWarning("Batch {BatchId} could not be loaded: {Message}", id, ex.Message);
            LoadFailed = true;
        }

        Changed?.Invoke();
    }

    public async Task LoadMoreAsync()
    {
        if (Batch is null || NextCursor is null)
        {
            return;
        }

        try
        {
            var page = await api.ListItemsAsync(Batch.Id, NextCursor, PageSize, life.Token);
            Items.AddRange(page.Items.Where(i => Items.All(known => known.Id != i.Id)));
            NextCursor = page.NextCursor;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !life.IsCancellationRequested)
        {
            ActionError = ex.Message;
        }

        Changed?.Invoke();
    }

    public Task CancelAsync() => ActAsync(id => api.CancelAsync(id, life.Token));

    /// <summary>Queues the failed items again; they show as queued at once and the stream is followed again.</summary>
    public Task RetryFailedAsync() => ActAsync(async id =>
    {
        var batch = await api.RetryFailedAsync(id, life.Token);
        Requeue(i => i.Status == BatchItemStatus.Failed);
        return batch;
    });

    public Task RetryItemAsync(BatchItemDto item) => ActAsync(async id =>
    {
        ArgumentNullException.ThrowIfNull(item);
        var batch = await api.RetryItemAsync(id, item.Id, life.Token);
        Requeue(i => i.Id == item.Id);
        return batch;
    });

    /// <summary>Deletes the batch; true when it is gone.</summary>
    public async Task<bool> DeleteAsync()
    {
        if (Batch is null)
        {
            return false;
        }

        try
        {
            await life.CancelAsync(); // stop following first: the stream of a deleted batch just ends
            await api.DeleteAsync(Batch.Id, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            ActionError = ex.Message;
            Changed?.Invoke();
            return false;
        }
    }

    public void Dispose()
    {
        life.Cancel();
        life.Dispose();
    }

    private async Task ActAsync(Func<Guid, Task<BatchDto>> action)
    {
        if (Batch is null)
        {
            return;
        }

        ActionError = null;
        try
        {
            Batch = await action(Batch.Id);
            Follow();
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !life.IsCancellationRequested)
        {
            ActionError = ex is ApiException { Problem.Detail: { Length: > 0 } detail } ? detail : ex.Message;
        }

        Changed?.Invoke();
    }

    private void Requeue(Func<BatchItemDto, bool> which)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (which(Items[i]))
            {
                Items[i] = Items[i] with { Status = BatchItemStatus.Queued, Error = null };
            }
        }
    }

    private void Follow()
    {
        if (following.IsCompleted && Batch is { } batch && !BatchStatus.IsFinished(batch.Status) && !life.IsCancellationRequested)
        {
            following = FollowAsync(batch.Id, life.Token);
        }
    }

    private async Task FollowAsync(Guid id, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && Batch is not null && !BatchStatus.IsFinished(Batch.Status))
        {
            try
            {
                Live = true;
                await foreach (var batchEvent in api.FollowAsync(id, cancellationToken))
                {
                    Apply(batchEvent);
                    Changed?.Invoke();
                }
            }
            catch (Exception ex) when (ApiFailure.IsTransport(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation("Batch {BatchId} events dropped ({Message}); following again", id, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Live = false;
            }

            if (Batch is not null && !BatchStatus.IsFinished(Batch.Status))
            {
                try
                {
                    await Task.Delay(Reconnect, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            Changed?.Invoke();
        }
    }

    private void Apply(BatchEvent batchEvent)
    {
        switch (batchEvent)
        {
            case BatchProgressed p:
                Batch = p.Batch;
                break;
            case BatchFinished f:
                Batch = f.Batch;
                break;
            case BatchItemFinished { Item: var item }:
                var index = Items.FindIndex(i => i.Id == item.Id);
                if (index >= 0)
                {
                    Items[index] = item;
                }
                else if (NextCursor is null)
                {
                    Items.Add(item); // every item is loaded: a new one belongs at the end
                    Items.Sort((a, b) => a.Index.CompareTo(b.Index));
                }

                break;
        }
    }
}
