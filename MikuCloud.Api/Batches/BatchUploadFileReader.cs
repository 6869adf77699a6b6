using System.Runtime.CompilerServices;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The batch endpoints' <see cref="IBatchFileReader"/> over <see cref="BatchUploadReader"/>: images and zips of images,
/// told apart by content, with the zip checks and limits of <see cref="BatchUploadOptions"/>. Scoped: one per request,
/// so the upload's file count spans all of its parts.
/// </summary>
public sealed class BatchUploadFileReader(BatchUploadReader reader) : IBatchFileReader
{
    /// <inheritdoc />
    public async IAsyncEnumerable<BatchUpload> ReadAsync(string fileName, Stream content, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in reader.ReadAsync(new BatchUploadFile(fileName, content), cancellationToken))
        {
            yield return result.Item is { } item
                ? BatchUpload.Item(item.FileName, item.Image.Data, item.Thumbnail)
                : BatchUpload.Refuse(result.Refused!.FileName, result.Refused.Code, result.Refused.Message);
        }
    }
}
