namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One uploaded file of a <see cref="KnowledgeBase"/> and its ingestion state. The ingestion worker claims it
/// (<see cref="ClaimedBy"/> until <see cref="ClaimExpiresAt"/>, as batch items are claimed); an expired claim returns it
/// to the queue, so ingestion resumes after a restart from the last page saved (<see cref="PagesDone"/>).
/// </summary>
public sealed class KnowledgeDocument
{
    public Guid Id { get; set; }
    public Guid BaseId { get; set; }
    public string OwnerId { get; set; } = "";
    public string FileName { get; set; } = "";

    /// <summary>The detected type (from the bytes, not the name): <c>text/plain</c>, <c>text/markdown</c>, <c>application/pdf</c>, DOCX, or an image type.</summary>
    public string MediaType { get; set; } = "";
    public long SizeBytes { get; set; }

    /// <summary>Hex SHA-256 of the file: the same file uploaded twice to one base is refused.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>One of the contract's <see cref="KnowledgeDocumentStatus"/>.</summary>
    public string Status { get; set; } = KnowledgeDocumentStatus.Queued;

    /// <summary>Pages (a text file or a picture is one page) once known; null before the file is opened.</summary>
    public int? PageCount { get; set; }

    /// <summary>Pages read and saved (<see cref="KnowledgePage"/>); ingestion resumes after them.</summary>
    public int PagesDone { get; set; }

    /// <summary>Pages read by the vision model (scans without a text layer, pictures).</summary>
    public int PagesByVision { get; set; }
    public int ChunkCount { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }

    /// <summary>Times a worker claimed it.</summary>
    public int Attempts { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    // Last column: SQLite keeps a large blob on overflow pages, so listing documents never walks the file bytes.

    /// <summary>The file as uploaded (kept for re-index and for showing a scanned page).</summary>
    public byte[] Data { get; set; } = [];
}
