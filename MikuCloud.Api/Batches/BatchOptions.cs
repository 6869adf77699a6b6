namespace MikuCloud.Api.Batches;

/// <summary>The API's <c>Batches</c> configuration section: upload sizes, quotas and how the worker runs items.</summary>
public sealed class BatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Batches";

    /// <summary>Largest body of one upload (<c>POST /api/batches</c>, <c>POST …/items</c>); bigger jobs add items in chunks.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Items one batch may hold (429 beyond).</summary>
    public int MaxItemsPerBatch { get; set; } = 10_000;

    /// <summary>Bytes of source images not yet answered (or kept) one user may store (429 beyond, until items are answered).</summary>
    public long MaxStoredBytesPerUser { get; set; } = 2L << 30;

    /// <summary>Unfinished batches (draft, queued, running) one user may have (429 beyond).</summary>
    public int MaxActiveBatchesPerUser { get; set; } = 5;

    /// <summary>Items this process answers at once (each also needs a generation slot that chat leaves idle).</summary>
    public int MaxConcurrentItems { get; set; } = 2;

    /// <summary>How long a claim holds before another worker may take the item over (renewed while the item runs).</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for queued items (items started on this process wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When this process stops, how long items already answering may go on before they are stopped and given back: an
    /// answer that ends in time is saved rather than asked of the model again. Keep it below the host's shutdown timeout
    /// (30 s) and the pod's termination grace period.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest prompt, in characters.</summary>
    public int MaxPromptLength { get; set; } = 20_000;

    /// <summary>Largest JSON schema, in bytes.</summary>
    public int MaxSchemaBytes { get; set; } = 32 * 1024;
}
