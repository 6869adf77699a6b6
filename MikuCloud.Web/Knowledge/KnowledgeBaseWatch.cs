using MikuCloud.Web.Api;
using MikuCloud.Web.Chat;

namespace MikuCloud.Web.Knowledge;

/// <summary>
/// One knowledge base on screen: the base, its documents kept live from the API's event stream (a dropped stream is
/// followed again after a pause), and the owner's actions on them. Raises <see cref="Changed"/>; the page renders.
/// </summary>
public sealed class KnowledgeBaseWatch(IMikuKnowledgeApi api, ILogger logger) : IDisposable
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource life = new();

    public event Action? Changed;

    public KnowledgeBaseDto? Base { get; private set; }

    /// <summary>The base's documents in upload order.</summary>
    public List<KnowledgeDocumentDto> Documents { get; } = [];

    public bool NotFound { get; private set; }

    public bool LoadFailed { get; private set; }

    /// <summary>True while the event stream is open.</summary>
    public bool Live { get; private set; }

    /// <summary>An action the API refused, in its words, until the next action.</summary>
    public string? ActionError { get; private set; }

    /// <summary>Loads the base and its documents, then follows them in the background until the page closes.</summary>
    public async Task OpenAsync(Guid id)
    {
        try
        {
            Base = await api.GetBaseAsync(id, life.Token);
            NotFound = Base is null;
            if (Base is not null)
            {
                Documents.AddRange(await api.ListDocumentsAsync(id, life.Token));
                _ = FollowAsync(id, life.Token);
            }
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !life.IsCancellationRequested)
        {
            logger.LogWarning("Knowledge base {BaseId} could not be loaded: {Message}", id, ex.Message);
            LoadFailed = true;
        }

        Changed?.Invoke();
    }

    /// <summary>Documents an upload just added: shown at once, before their first event.</summary>
    public void Added(IEnumerable<KnowledgeDocumentDto> documents)
    {
        foreach (var document in documents)
        {
            Upsert(document);
        }

        Changed?.Invoke();
    }

    public Task RenameAsync(string name, string? description) =>
        ActAsync(async id => Base = await api.UpdateBaseAsync(id, new KnowledgeBaseRequest(name, description), life.Token));

    /// <summary>An admin's switch: every account may read a shared base.</summary>
    public Task SetSharedAsync(bool shared) =>
        ActAsync(async id => Base = await api.UpdateBaseAsync(id, new KnowledgeBaseRequest(null, null, shared), life.Token));

    public Task ReindexAsync(KnowledgeDocumentDto document) =>
        ActAsync(async _ => Upsert(await api.ReindexAsync(document.Id, life.Token)));

    public Task DeleteDocumentAsync(KnowledgeDocumentDto document) => ActAsync(async _ =>
    {
        await api.DeleteDocumentAsync(document.Id, life.Token);
        Documents.RemoveAll(d => d.Id == document.Id);
        Recount();
    });

    /// <summary>Deletes the base; true when it is gone.</summary>
    public async Task<bool> DeleteAsync()
    {
        if (Base is null)
        {
            return false;
        }

        try
        {
            await life.CancelAsync(); // stop following first: the stream of a deleted base just ends
            await api.DeleteBaseAsync(Base.Id, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex))
        {
            ActionError = Explain(ex);
            Changed?.Invoke();
            return false;
        }
    }

    public void Dispose()
    {
        life.Cancel();
        life.Dispose();
    }

    private async Task ActAsync(Func<Guid, Task> action)
    {
        if (Base is null)
        {
            return;
        }

        ActionError = null;
        try
        {
            await action(Base.Id);
        }
        catch (Exception ex) when (ApiFailure.IsTransport(ex) && !life.IsCancellationRequested)
        {
            ActionError = Explain(ex);
        }

        Changed?.Invoke();
    }

    private static string Explain(Exception ex) => ex is ApiException { Problem.Detail: { Length: > 0 } detail } ? detail : ex.Message;

    private async Task FollowAsync(Guid id, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                Live = true;
                await foreach (var document in api.FollowAsync(id, cancellationToken))
                {
                    Upsert(document);
                    Changed?.Invoke();
                }
            }
            catch (Exception ex) when (ApiFailure.IsTransport(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation("Knowledge base {BaseId} events dropped ({Message}); following again", id, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Live = false;
            }

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

    /// <summary>A document's newest state replaces the one shown; a new one goes last (the list is in upload order).</summary>
    private void Upsert(KnowledgeDocumentDto document)
    {
        if (Base is null || document.BaseId != Base.Id)
        {
            return;
        }

        var index = Documents.FindIndex(d => d.Id == document.Id);
        if (index >= 0)
        {
            Documents[index] = document;
        }
        else
        {
            Documents.Add(document);
        }

        Recount();
    }

    /// <summary>The base's counts follow its documents, so the list and the header agree without asking the API again.</summary>
    private void Recount()
    {
        if (Base is not null)
        {
            Base = Base with
            {
                Documents = Documents.Count,
                ReadyDocuments = Documents.Count(d => d.Status == KnowledgeDocumentStatus.Ready),
                Chunks = Documents.Sum(d => d.Chunks),
            };
        }
    }
}
