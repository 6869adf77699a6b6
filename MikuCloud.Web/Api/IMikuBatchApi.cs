namespace MikuCloud.Web.Api;

/// <summary>
/// What the Batches page asks of the API's batch operations (<c>/api/batches</c>). Components and the page's state
/// classes depend on this interface so component tests can script it; <see cref="MikuBatchClient"/> is the real one.
/// Refusals throw <see cref="ApiException"/>, an unreachable API <see cref="HttpRequestException"/>.
/// </summary>
public interface IMikuBatchApi
{
    /// <summary>The user's batches, newest first.</summary>
    Task<Page<BatchDto>> ListBatchesAsync(string? cursor, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>The batch, or null when it does not exist (deleted in another tab, or someone else's).</summary>
    Task<BatchDto?> GetBatchAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Creates a draft batch (no files, not started) that takes files one by one (<see cref="AddFileAsync"/>).</summary>
    Task<BatchDto> CreateDraftAsync(NewBatchRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one file (an image or a zip of images) to a draft, streaming <paramref name="content"/> into the request:
    /// the answer lists the items it became and what was refused (with a problem code).
    /// </summary>
    Task<BatchItemsAdded> AddFileAsync(Guid id, string fileName, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Starts a draft: its items are queued.</summary>
    Task<BatchDto> StartAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Items in index order, a page at a time.</summary>
    Task<Page<BatchItemDto>> ListItemsAsync(Guid id, string? cursor, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Follows the batch until it finishes (or <paramref name="cancellationToken"/> ends the wait).</summary>
    IAsyncEnumerable<BatchEvent> FollowAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Cancels what has not been answered yet; finished results stay.</summary>
    Task<BatchDto> CancelAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Queues the failed items again.</summary>
    Task<BatchDto> RetryFailedAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Queues one failed or cancelled item again.</summary>
    Task<BatchDto> RetryItemAsync(Guid id, Guid itemId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the batch with its items and results; an unknown id is not an error (already gone).</summary>
    Task DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
