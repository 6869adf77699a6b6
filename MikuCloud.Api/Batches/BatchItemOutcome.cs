namespace MikuCloud.Api.Batches;

/// <summary>How one run of an item ended, for <see cref="BatchQueue.FinishAsync"/>: answered, failed (with a code), or back to the queue.</summary>
public sealed record BatchItemOutcome(string Status, string? Answer = null, string? Json = null, string? ErrorCode = null, string? ErrorMessage = null,
    int? InputTokens = null, int? OutputTokens = null, double? TimeToFirstTokenMs = null, double? TotalMs = null)
{
    /// <summary>Not run (a chat took the slot, the token budget is spent, this process stops): queued again, the attempt not counted.</summary>
    public static BatchItemOutcome Requeue(TimeSpan? wait = null) => new(BatchItemStatus.Queued) { Wait = wait };

    /// <summary>Failed with a problem code; the other items go on.</summary>
    public static BatchItemOutcome Failed(string code, string message) => new(BatchItemStatus.Failed, ErrorCode: code, ErrorMessage: message);

    /// <summary>With <see cref="Requeue"/>: how long the worker should leave the queue alone (a spent token budget).</summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>With <see cref="Requeue"/>: a chat took the item's generation slot back.</summary>
    public bool Preempted { get; init; }
}
