namespace MikuCloud.Api.Batches;

/// <summary>What became of one file or zip entry of an upload: exactly one of an item or a refusal.</summary>
public sealed record BatchUploadResult
{
    private BatchUploadResult(BatchUploadItem? item, BatchFileRefused? refused) => (Item, Refused) = (item, refused);

    /// <summary>The item to store, or null when the file was refused.</summary>
    public BatchUploadItem? Item { get; }

    /// <summary>Why the file did not become an item (a problem code and a sentence), or null when it did.</summary>
    public BatchFileRefused? Refused { get; }

    /// <summary>A file that became an item.</summary>
    public static BatchUploadResult Accepted(BatchUploadItem item) => new(item, null);

    /// <summary>A file refused with one of the <see cref="ProblemCodes"/>.</summary>
    public static BatchUploadResult Refuse(string fileName, string code, string message) => new(null, new BatchFileRefused(fileName, code, message));
}
