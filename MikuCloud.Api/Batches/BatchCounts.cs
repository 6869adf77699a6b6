namespace MikuCloud.Api.Batches;

/// <summary>A batch's items by status, and the tokens its answered items used (computed from the items).</summary>
public sealed record BatchCounts(int Queued, int Running, int Completed, int Failed, int Cancelled, long InputTokens, long OutputTokens)
{
    /// <summary>No items yet.</summary>
    public static BatchCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Every item the batch holds.</summary>
    public int Total => Queued + Running + Completed + Failed + Cancelled;

    /// <summary>Items answered or failed.</summary>
    public int Finished => Completed + Failed;
}
