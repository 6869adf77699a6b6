namespace MikuCloud.Web.Batches;

/// <summary>One file of a new batch as it uploads: how far it got, and what the API made of it.</summary>
public sealed class FileUpload(string name, long size)
{
    public string Name { get; } = name;

    public long Size { get; } = size;

    /// <summary>Bytes sent so far.</summary>
    public long Sent { get; internal set; }

    public FileUploadStatus Status { get; internal set; } = FileUploadStatus.Waiting;

    /// <summary>Items the file became (one for an image, one per entry for a zip).</summary>
    public int Added { get; internal set; }

    /// <summary>What the API refused of it (the file, or entries of a zip), with problem codes.</summary>
    public IReadOnlyList<BatchFileRefused> Refused { get; internal set; } = [];

    /// <summary>Why the upload failed as a whole (too large, the API refused or could not be reached), in the user's words.</summary>
    public string? Error { get; internal set; }

    /// <summary>0–100.</summary>
    public int Percent => Status is FileUploadStatus.Waiting ? 0 : Size <= 0 || Status is not FileUploadStatus.Sending ? 100 : (int)Math.Min(100, Sent * 100 / Size);
}
