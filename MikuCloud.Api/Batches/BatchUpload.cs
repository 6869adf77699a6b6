namespace MikuCloud.Api.Batches;

/// <summary>One item of an upload, processed (<see cref="Image"/> from the image pipeline, a small JPEG <see cref="Thumbnail"/>), or why it was refused.</summary>
public sealed record BatchUpload(string FileName, byte[]? Image, byte[]? Thumbnail, BatchFileRefused? Refused)
{
    public static BatchUpload Item(string fileName, byte[] image, byte[]? thumbnail) => new(fileName, image, thumbnail, null);

    public static BatchUpload Refuse(string fileName, string code, string message) => new(fileName, null, null, new BatchFileRefused(fileName, code, message));
}
