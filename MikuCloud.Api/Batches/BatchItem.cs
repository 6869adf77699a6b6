namespace MikuCloud.Api.Batches;

/// <summary>
/// One image of a <see cref="Batch"/> and its answer. A worker claims it (<see cref="ClaimedBy"/> until
/// <see cref="ClaimExpiresAt"/>); a claim that expires returns the item to the queue; finishing checks the claim is still held.
/// </summary>
public sealed class BatchItem
{
    public Guid Id { get; set; }
    public Guid BatchId { get; set; }
    public string OwnerId { get; set; } = "";

    /// <summary>Position in the batch, from 0: results come in this order.</summary>
    public int Index { get; set; }
    public string FileName { get; set; } = "";

    /// <summary>One of <see cref="BatchItemStatus"/>.</summary>
    public string Status { get; set; } = BatchItemStatus.Queued;

    /// <summary>Bytes of <see cref="Image"/> still stored (0 once deleted): the per-user storage quota sums it without reading blobs.</summary>
    public long StoredBytes { get; set; }

    public string? Answer { get; set; }

    /// <summary>The answer parsed as JSON (as text) when the batch has a schema.</summary>
    public string? JsonAnswer { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public double? TotalMs { get; set; }

    /// <summary>Times a worker claimed it (a preempted or released claim does not count).</summary>
    public int Attempts { get; set; }

    /// <summary>The worker holding the claim (process id), or null.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimExpiresAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    // The two blobs are declared last, so they are the table's last columns: SQLite keeps a row's earlier columns on
    // its b-tree page and a large blob on overflow pages, so counting items or reading their status and answers never
    // walks the image bytes (with the blobs first, every progress count read every queued image).

    /// <summary>The processed image; null once answered unless the batch keeps images.</summary>
    public byte[]? Image { get; set; }

    /// <summary>A small JPEG preview, kept after the image is deleted.</summary>
    public byte[]? Thumbnail { get; set; }
}
