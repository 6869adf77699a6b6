using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Answers queued batch items in the background, at most <see cref="BatchOptions.MaxConcurrentItems"/> at once and only
/// on generation capacity chat leaves idle (<see cref="AdmissionControl.TryEnterBackground"/>). Each item is claimed in
/// the database (<see cref="BatchQueue"/>), its claim renewed while it runs, and given back when this process stops.
/// An item's slot is free again as soon as its answer has ended: its result is saved while the next item starts.
/// An owner whose token budget is spent is paused alone (<see cref="BatchOwnerPauses"/>).
/// </summary>
public sealed partial class BatchWorker(IServiceScopeFactory scopes, AdmissionControl admission, BatchSignals signals, BatchRuns runs,
    BatchOwnerPauses pauses, BatchTelemetry telemetry, IOptions<BatchOptions> options, ILogger<BatchWorker> logger) : BackgroundService
{
    /// <summary>Claims of one item after which it fails instead of being tried again (each one ended with its worker gone).</summary>
    public const int MaxAttempts = 3;

    private readonly ConcurrentDictionary<Guid, Task> running = new();

    /// <summary>This process's name on its claims.</summary>
    public string WorkerId { get; } = $"{Guid.NewGuid():N}@{Environment.MachineName}"[..Math.Min(64, 33 + Environment.MachineName.Length)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentItems);
        // Stopping ends claiming at once, but answers already under way get ShutdownGrace to end: one whose model has
        // finished is saved instead of being asked again by the next worker (no item done twice).
        using var abandon = new CancellationTokenSource();
        using var graceOnStop = stoppingToken.Register(() => abandon.CancelAfter(settings.ShutdownGrace));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var item = await NextAsync(settings, stoppingToken);
                if (item is null)
                {
                    slots.Release();
                    await signals.WaitAsync(settings.PollInterval, stoppingToken);
                    continue;
                }

                running[item.Id] = Task.Run(async () =>
                {
                    var slot = new ItemSlot(slots);
                    try
                    {
                        await RunAsync(item, settings, slot, abandon.Token);
                    }
                    finally
                    {
                        running.TryRemove(item.Id, out _);
                        slot.Release();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the running items give their claims back below.
        }

        await Task.WhenAll(running.Values);
    }

    /// <summary>The next claimed item once chat leaves a slot idle; null when nothing is queued (or the database failed, logged).</summary>
    private async Task<BatchItem?> NextAsync(BatchOptions settings, CancellationToken stoppingToken)
    {
        while (!admission.IdleForBackground)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
        }

        try
        {
            // One statement: expired claims are put back on a timer (BatchClaimRecovery), the depth gauge counts when read.
            return await InScopeAsync(q => q.ClaimAsync(WorkerId, settings.ClaimLease, pauses.Current(), stoppingToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogClaimFailed(ex);
            return null;
        }
    }

    // abandoned: cancelled when this process stops and the items' grace has run out.
    private async Task RunAsync(BatchItem item, BatchOptions settings, ItemSlot slot, CancellationToken abandoned)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abandoned);
        using var registration = runs.Begin(item.BatchId, item.Id, stop);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var queue = scope.ServiceProvider.GetRequiredService<BatchQueue>();
            // Read after registering the run: a cancel or delete either shows here or stops the registered run (it
            // changes the status first, then stops what is registered), so no item starts on a batch that is gone.
            if (await queue.FindBatchAsync(item.BatchId, CancellationToken.None) is not { Status: BatchStatus.Queued or BatchStatus.Running } batch)
            {
                return; // cancelled or deleted meanwhile: whoever did it wrote the item's state
            }

            if (batch.Status == BatchStatus.Queued)
            {
                await queue.MarkRunningAsync(batch.Id, CancellationToken.None);
            }

            BatchItemOutcome outcome;
            if (item.Attempts > MaxAttempts)
            {
                outcome = BatchItemOutcome.Failed(ProblemCodes.ServerRestarted, $"The item was tried {MaxAttempts} times and each time its worker stopped.");
            }
            else
            {
                using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var renewal = RenewWhileRunningAsync(item, settings.ClaimLease, stop, renewing.Token);
                outcome = await scope.ServiceProvider.GetRequiredService<BatchItemRunner>().RunAsync(batch, item, stop.Token);
                var stopped = stop.IsCancellationRequested;
                await renewing.CancelAsync();
                await renewal;
                if (stopped && !abandoned.IsCancellationRequested && outcome.Status != BatchItemStatus.Completed)
                {
                    return; // the batch was cancelled (or the claim lost): whoever did it wrote the item's state
                }
            }

            if (abandoned.IsCancellationRequested && outcome.Status != BatchItemStatus.Completed)
            {
                outcome = BatchItemOutcome.Requeue(); // this process stops: another (or the next) takes the item over
            }

            if (outcome.Wait is { } wait)
            {
                pauses.Pause(item.OwnerId, wait); // before the slot is free: the next claim already skips this owner
            }

            // The model is done with this item: the next one starts while this one's result is saved.
            slot.Release();

            if (await queue.FinishAsync(item, batch.KeepImages, outcome, CancellationToken.None) && outcome.Status != BatchItemStatus.Queued)
            {
                // Counted before the batch can read as finished: whoever sees it done sees its items counted.
                telemetry.Finished(outcome, Stopwatch.GetElapsedTime(started));
                await queue.FinishBatchIfDoneAsync(item.BatchId, CancellationToken.None);
            }

            if (outcome.Preempted)
            {
                telemetry.Preempted();
            }
        }
        catch (Exception ex)
        {
            LogItemFailed(ex, item.Id);
        }
        finally
        {
            signals.Pulse();
        }
    }

    /// <summary>Renews the claim every third of its lease; a claim no longer held (cancelled, taken over) stops the item.</summary>
    private async Task RenewWhileRunningAsync(BatchItem item, TimeSpan lease, CancellationTokenSource stop, CancellationToken ended)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, ended);
                if (!await InScopeAsync(q => q.RenewAsync(item.Id, WorkerId, lease, ended)))
                {
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The item ended (or was stopped).
        }
        catch (Exception ex)
        {
            LogClaimFailed(ex);
        }
    }

    /// <summary>An item's worker slot, given back once: when its answer ends, or when the item ends without one.</summary>
    private sealed class ItemSlot(SemaphoreSlim slots)
    {
        private int released;

        public void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }

    private async Task<T> InScopeAsync<T>(Func<BatchQueue, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<BatchQueue>());
    }

    [LoggerMessage(LogLevel.Warning, "The batch queue could not be read; trying again shortly.")]
    private partial void LogClaimFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Batch item {ItemId} could not be answered or saved.")]
    private partial void LogItemFailed(Exception ex, Guid itemId);
}
