using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The simplest <see cref="IBatchFileReader"/>: each file is one image, through the same <see cref="ImagePipeline"/> as
/// chat uploads (sniffed, bomb-checked, upright, stripped, within the pixel budget). A file over the image size limit
/// is refused after reading at most one byte more than the limit.
/// </summary>
public sealed class SingleImageFileReader(ImagePipeline pipeline, IOptions<ImagePipelineOptions> images, IOptions<BatchOptions> batches) : IBatchFileReader
{
    public async IAsyncEnumerable<BatchUpload> ReadAsync(string fileName, Stream content, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var limit = images.Value.MaxBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0 && buffer.Length <= limit)
        {
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length > limit)
        {
            yield return BatchUpload.Refuse(fileName, ImageErrorCodes.TooLarge, $"The file is larger than {limit / 1048576.0:0.#} MB, the limit per image.");
            yield break;
        }

        yield return Process(fileName, buffer.ToArray());
    }

    private BatchUpload Process(string fileName, byte[] data)
    {
        try
        {
            var processed = pipeline.Process(data);
            return BatchUpload.Item(fileName, processed.Data, BatchThumbnails.Create(processed.Data, batches.Value.ThumbnailSide));
        }
        catch (ImageRejectedException rejected)
        {
            return BatchUpload.Refuse(fileName, rejected.Code, rejected.Message);
        }
    }
}
