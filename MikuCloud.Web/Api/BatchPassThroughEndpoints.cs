namespace MikuCloud.Web.Api;

/// <summary>
/// A batch's thumbnails and result downloads, streamed through from the API as the signed-in user: the browser's cookie
/// session reaches the Web only, so links and &lt;img&gt; tags point here (like <see cref="PassThroughEndpoints"/>).
/// </summary>
public static class BatchPassThroughEndpoints
{
    /// <summary>Maps <c>GET /batches/{id}/results</c> and <c>GET /batches/{id}/items/{itemId}/thumbnail</c>.</summary>
    public static IEndpointRouteBuilder MapBatchPassThroughEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/batches/{id:guid}/results", ResultsAsync);
        app.MapGet("/batches/{id:guid}/items/{itemId:guid}/thumbnail", ThumbnailAsync);
        return app;
    }

    /// <summary>The results as JSON Lines (default) or CSV, as a download; streams while the batch still runs.</summary>
    public static Task ResultsAsync(Guid id, string? format, HttpContext ctx, MikuApiClient api)
    {
        var fmt = format == "csv" ? "csv" : "jsonl";
        return PassThroughEndpoints.PassThroughAsync(ctx, api, $"/api/batches/{id}/results?format={fmt}", contentTypePrefix: null,
            cacheControl: "no-store", attachmentName: $"batch-{id:N}.{fmt}");
    }

    /// <summary>An item's thumbnail; cached for a day (an item's thumbnail does not change, but the item can be deleted).</summary>
    public static Task ThumbnailAsync(Guid id, Guid itemId, HttpContext ctx, MikuApiClient api) =>
        PassThroughEndpoints.PassThroughAsync(ctx, api, $"/api/batches/{id}/items/{itemId}/thumbnail", contentTypePrefix: "image/",
            cacheControl: "private, max-age=86400");

    /// <summary>The Web address of an item's thumbnail.</summary>
    public static string ThumbnailPath(Guid batchId, Guid itemId) => $"batches/{batchId}/items/{itemId}/thumbnail";

    /// <summary>The Web address of a batch's results download.</summary>
    public static string ResultsPath(Guid batchId, string format) => $"batches/{batchId}/results?format={format}";
}
