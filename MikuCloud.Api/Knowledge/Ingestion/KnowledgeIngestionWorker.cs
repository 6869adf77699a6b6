using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// Ingests queued documents in the background, at most <see cref="KnowledgeOptions.MaxConcurrentDocuments"/> at once
/// (pages that need the vision model also wait for a generation slot chat leaves idle). Each document is claimed in the
/// database (<see cref="KnowledgeIngestionQueue"/>), its claim renewed while it is read, and given back when this process
/// stops: the next process resumes after its last saved page.
/// </summary>
public sealed partial class KnowledgeIngestionWorker(IServiceScopeFactory scopes, KnowledgeSignals signals, IOptions<KnowledgeOptions> options,
    TimeProvider time, ILogger<KnowledgeIngestionWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> running = new();

    /// <summary>This process's name on its claims.</summary>
    public string WorkerId { get; } = $"{Guid.NewGuid():N}@{Environment.MachineName}"[..Math.Min(64, 33 + Environment.MachineName.Length)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentDocuments);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var woken = signals.Next; // taken before looking, so an upload during the look is not missed
                var document = await NextAsync(settings, stoppingToken);
                if (document is null)
                {
                    slots.Release();
                    await KnowledgeSignals.WaitAsync(woken, settings.PollInterval, time, stoppingToken);
                    continue;
                }

                running[document.Id] = Task.Run(async () =>
                {
                    try
                    {
                        await RunAsync(document, settings, stoppingToken);
                    }
                    finally
                    {
                        running.TryRemove(document.Id, out _);
                        slots.Release();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the running documents give their claims back below.
        }

        await Task.WhenAll(running.Values);
    }

    private async Task<KnowledgeDocument?> NextAsync(KnowledgeOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<KnowledgeIngestionQueue>().ClaimAsync(WorkerId, settings.ClaimLease, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogClaimFailed(ex);
            return null;
        }
    }

    private async Task RunAsync(KnowledgeDocument document, KnowledgeOptions settings, CancellationToken stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewal = RenewWhileRunningAsync(document.Id, settings.ClaimLease, stop);
        await using var scope = scopes.CreateAsyncScope();
        var ingester = scope.ServiceProvider.GetRequiredService<KnowledgeDocumentIngester>();
        try
        {
            await ingester.RunAsync(document, WorkerId, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping (or the claim was lost): given back below when it is still ours.
        }
        catch (Exception ex)
        {
            LogDocumentFailed(ex, document.Id);
            await FailAsync(ingester, document);
        }
        finally
        {
            await stop.CancelAsync();
            await renewal;
            await GiveBackAsync(document.Id);
            signals.Pulse();
        }
    }

    /// <summary>An unexpected fault fails the document with a generic sentence (the log has the exception); a fault here leaves it to recovery.</summary>
    private async Task FailAsync(KnowledgeDocumentIngester ingester, KnowledgeDocument document)
    {
        try
        {
            await ingester.FailAsync(document, WorkerId, ProblemCodes.KnowledgeIngestionFailed, "The document could not be read or indexed; try re-indexing it.");
        }
        catch (Exception ex)
        {
            LogClaimFailed(ex);
        }
    }

    /// <summary>A claim still held here after the document's run (this process stops) goes back to the queue, its pages kept.</summary>
    private async Task GiveBackAsync(Guid documentId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KnowledgeIngestionQueue>().ReleaseAsync(documentId, WorkerId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogClaimFailed(ex); // the claim expires and recovery puts it back
        }
    }

    /// <summary>Renews the claim every third of its lease; a claim no longer held (deleted, taken over) stops the document.</summary>
    private async Task RenewWhileRunningAsync(Guid documentId, TimeSpan lease, CancellationTokenSource stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, time, stop.Token);
                await using var scope = scopes.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<KnowledgeIngestionQueue>().RenewAsync(documentId, WorkerId, lease, stop.Token))
                {
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The document ended (or was stopped).
        }
        catch (Exception ex)
        {
            LogClaimFailed(ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The knowledge ingestion queue could not be read or written; trying again shortly.")]
    private partial void LogClaimFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Knowledge document {DocumentId} could not be ingested.")]
    private partial void LogDocumentFailed(Exception ex, Guid documentId);
}
