namespace MikuCloud.Web.Api;

/// <summary>
/// One event of <c>GET /api/batches/{id}/events</c> (Server-Sent Events), as the Batches page consumes it;
/// <see cref="MikuBatchClient.Parse"/> maps the wire names onto these.
/// </summary>
public abstract record BatchEvent;

/// <summary><c>event: progress</c> — the batch's counts changed.</summary>
public sealed record BatchProgressed(BatchDto Batch) : BatchEvent;

/// <summary><c>event: item</c> — an item finished (answered, failed or cancelled).</summary>
public sealed record BatchItemFinished(BatchItemDto Item) : BatchEvent;

/// <summary><c>event: done</c> — the batch completed, was cancelled or failed; the stream ends.</summary>
public sealed record BatchFinished(BatchDto Batch) : BatchEvent;

/// <summary>What a new batch is asked with; <see cref="Schema"/> is JSON text already checked by the form.</summary>
public sealed record NewBatchRequest(string Prompt, string? PresetId, string? Schema, string? Name = null);
