using Microsoft.Extensions.Options;
using MikuCloud.Api.Requests;
using static MikuCloud.Api.Batches.BatchControlEndpoints;
using static MikuCloud.Api.Batches.BatchReadEndpoints;
using static MikuCloud.Api.Batches.BatchUploadEndpoints;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Batch jobs over HTTP: upload (<see cref="BatchUploadEndpoints"/>), read (<see cref="BatchReadEndpoints"/>) and act
/// (<see cref="BatchControlEndpoints"/>). Every operation finds the batch by its owner: another user's id answers 404
/// <c>batch_not_found</c>, exactly like an unknown one, and changes nothing.
/// </summary>
public static class BatchEndpoints
{
    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.ServiceProvider.GetRequiredService<IOptions<BatchOptions>>().Value;
        var group = app.MapGroup("/api/batches").WithTags("Batches");

        group.MapPost("", CreateAsync)
            .WithName("CreateBatch")
            .WithSummary("Create a batch job: one prompt (and optional JSON schema) over many images, answered in the background.")
            .WithDescription("multipart/form-data: the fields first (prompt; optional name, presetId, model, options as JSON, schema as JSON, keepImages, start), " +
                "then any number of 'files' parts (images). Files that cannot be items (not images, too large) are listed in 'refused' with a code; " +
                "the others become items. start defaults to true when files are sent; false keeps a draft that takes more items (POST …/items). " +
                $"429 when a quota is reached: {limits.MaxItemsPerBatch:N0} items per batch, {limits.MaxActiveBatchesPerUser} unfinished batches, " +
                "stored images waiting to be answered.")
            .Accepts<BatchUploadFields>("multipart/form-data")
            .WithBodyLimit(limits.MaxUploadBytes)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429)
            .DisableAntiforgery();

        group.MapGet("", ListAsync)
            .WithName("ListBatches")
            .WithSummary("List batches, newest first.")
            .WithDescription("limit: 1–200 (default 50); cursor: the previous page's nextCursor.")
            .ProducesValidationProblem();

        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetBatch")
            .WithSummary("Get a batch: status, counts, tokens, throughput and ETA.")
            .ProducesProblem(404);

        group.MapPost("/{id:guid}/items", AddItemsAsync)
            .WithName("AddBatchItems")
            .WithSummary("Add images to a draft batch ('files' parts of multipart/form-data); 409 batch_not_draft once started.")
            .Accepts<BatchItemFiles>("multipart/form-data")
            .WithBodyLimit(limits.MaxUploadBytes)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429)
            .DisableAntiforgery();

        group.MapPost("/{id:guid}/start", StartAsync)
            .WithName("StartBatch")
            .WithSummary("Start a draft batch (409 batch_empty without items); starting a started batch changes nothing.")
            .ProducesProblem(404).ProducesProblem(409);

        group.MapGet("/{id:guid}/items", ItemsAsync)
            .WithName("ListBatchItems")
            .WithSummary("List a batch's items in index order, with answers, errors, usage and timings.")
            .WithDescription("status: queued, running, completed, failed or cancelled (default: all); limit: 1–200 (default 50); cursor: the previous page's nextCursor.")
            .ProducesProblem(404).ProducesValidationProblem();

        group.MapGet("/{id:guid}/items/{itemId:guid}/thumbnail", ThumbnailAsync)
            .WithName("GetBatchItemThumbnail")
            .WithSummary("An item's thumbnail (a small JPEG, kept after the source image is deleted).")
            .Produces(200, contentType: "image/jpeg")
            .ProducesProblem(404);

        group.MapGet("/{id:guid}/events", EventsAsync)
            .WithName("BatchEvents")
            .WithSummary("Follow a batch as server-sent events: 'progress' (the batch) when counts change, 'item' as items finish, a final 'done'.")
            .Produces<string>(200, "text/event-stream")
            .ProducesProblem(404);

        group.MapGet("/{id:guid}/results", ResultsAsync)
            .WithName("GetBatchResults")
            .WithSummary("Download the results, one record per item in index order: format=jsonl (default) or csv; available while the batch runs.")
            .Produces<string>(200, "application/x-ndjson", "text/csv")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelBatch")
            .WithSummary("Cancel a batch: queued and running items are cancelled (running answers stop), finished results stay.")
            .ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id:guid}/retry-failed", RetryFailedAsync)
            .WithName("RetryFailedBatchItems")
            .WithSummary("Queue the failed items again (a finished batch runs again).")
            .ProducesProblem(404);

        group.MapPost("/{id:guid}/items/{itemId:guid}/retry", RetryItemAsync)
            .WithName("RetryBatchItem")
            .WithSummary("Queue one failed or cancelled item again (409 batch_item_not_retryable otherwise).")
            .ProducesProblem(404).ProducesProblem(409);

        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteBatch")
            .WithSummary("Delete a batch with its items, images and results; its running answers stop.")
            .ProducesProblem(404);
        return app;
    }
}
