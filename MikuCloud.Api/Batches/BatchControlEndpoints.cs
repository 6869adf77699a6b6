using Microsoft.AspNetCore.Http.HttpResults;
using MikuCloud.Api.Conversations;

namespace MikuCloud.Api.Batches;

/// <summary>The batch endpoints that act: start, cancel, retry failed items (all or one), delete.</summary>
public static class BatchControlEndpoints
{
    internal static async Task<Ok<BatchDto>> StartAsync(Guid id, HttpContext http, BatchLifecycle lifecycle, BatchStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ToDtoAsync(await lifecycle.StartAsync(CurrentOwner.Of(http), id, cancellationToken), cancellationToken));

    internal static async Task<Ok<BatchDto>> CancelAsync(Guid id, HttpContext http, BatchLifecycle lifecycle, BatchStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ToDtoAsync(await lifecycle.CancelAsync(CurrentOwner.Of(http), id, cancellationToken), cancellationToken));

    internal static async Task<Ok<BatchDto>> RetryFailedAsync(Guid id, HttpContext http, BatchLifecycle lifecycle, BatchStore store,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ToDtoAsync(await lifecycle.RetryFailedAsync(CurrentOwner.Of(http), id, cancellationToken), cancellationToken));

    internal static async Task<Ok<BatchDto>> RetryItemAsync(Guid id, Guid itemId, HttpContext http, BatchLifecycle lifecycle, BatchStore store,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ToDtoAsync(await lifecycle.RetryItemAsync(CurrentOwner.Of(http), id, itemId, cancellationToken), cancellationToken));

    internal static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, BatchLifecycle lifecycle, CancellationToken cancellationToken)
    {
        await lifecycle.DeleteAsync(CurrentOwner.Of(http), id, cancellationToken);
        return TypedResults.NoContent();
    }
}
