namespace MikuCloud.Api.Knowledge;

/// <summary>The API's <c>Knowledge</c> configuration section: upload limits, quotas and how the ingestion worker runs.</summary>
public sealed class KnowledgeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Knowledge";

    /// <summary>Largest body of one upload (<c>POST /api/knowledge/bases/{id}/documents</c>).</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest single file; a bigger one is refused alone (<c>knowledge_file_too_large</c>).</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Files one upload may add (the rest are refused, <c>knowledge_too_many_files</c>).</summary>
    public int MaxFilesPerUpload { get; set; } = 100;

    /// <summary>Documents one knowledge base may hold.</summary>
    public int MaxDocumentsPerBase { get; set; } = 1_000;

    /// <summary>Bytes of documents (as uploaded) one user may store across their knowledge bases.</summary>
    public long MaxStoredBytesPerUser { get; set; } = 2L << 30;

    /// <summary>Documents this process ingests at once (a page the vision model reads also needs a generation slot chat leaves idle).</summary>
    public int MaxConcurrentDocuments { get; set; } = 1;

    /// <summary>How long a claim holds before another worker may take the document over (renewed while it is read).</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for queued documents (uploads on this process wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait before asking again when the model had no idle slot for a page that needs vision.</summary>
    public TimeSpan VisionRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
