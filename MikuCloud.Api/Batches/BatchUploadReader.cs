using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Reads the files of one batch upload, part by part as they arrive, into items (a processed image and a thumbnail)
/// or refusals. The type comes from the content: a zip is opened and each entry becomes an item named
/// <c>archive.zip/inner/path.jpg</c>; anything else goes through the image pipeline. A bad file or entry is refused
/// alone and the rest go on; only cancellation and server faults throw.
/// </summary>
/// <remarks>
/// One instance reads one upload (it counts that upload's files against
/// <see cref="BatchUploadOptions.MaxFilesPerUpload"/>); register it transient. Nothing here sees HTTP: the endpoint
/// hands over each <c>files</c> section's name and body stream, so the upload is never buffered whole (an image is
/// held in memory up to the pipeline's byte limit, a zip is spooled to a temporary file).
/// </remarks>
public sealed class BatchUploadReader(ImagePipeline pipeline, IOptions<BatchUploadOptions> uploadOptions, IOptions<ImagePipelineOptions> imageOptions)
{
    private readonly BatchUploadOptions _options = uploadOptions.Value;
    private readonly long _maxImageBytes = imageOptions.Value.MaxBytes;
    private int _files;

    /// <summary>Files (and zip entries) counted so far in this upload, refused ones included.</summary>
    public int FilesSeen => _files;

    /// <summary>Reads one part to its end (or to a limit) and yields what became of it: one result for an image,
    /// one per entry (or one refusal) for a zip.</summary>
    public async IAsyncEnumerable<BatchUploadResult> ReadAsync(BatchUploadFile file, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var name = BatchFileNames.ForUpload(file.FileName, _files + 1);
        var head = new byte[4];
        var headLength = await file.Content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (BatchZipReader.IsZip(head.AsSpan(0, headLength)))
        {
            await foreach (var result in ReadZipAsync(name, head.AsMemory(0, headLength), file.Content, cancellationToken))
            {
                yield return result;
            }

            yield break;
        }

        if (!TakeFile())
        {
            yield return TooManyFiles(name);
            yield break;
        }

        using var buffer = new MemoryStream();
        await buffer.WriteAsync(head.AsMemory(0, headLength), cancellationToken);
        var (_, complete) = await BoundedCopy.CopyAsync(file.Content, buffer, _maxImageBytes, headLength, null, cancellationToken);
        yield return complete
            ? Process(name, buffer.ToArray())
            : BatchUploadResult.Refuse(name, ImageErrorCodes.TooLarge, $"The image is larger than {Mb(_maxImageBytes)}, the limit per image.");
    }

    private async IAsyncEnumerable<BatchUploadResult> ReadZipAsync(string name, ReadOnlyMemory<byte> head, Stream content,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // ZipArchive needs to seek (its directory is at the end): the zip goes to a temporary file, not memory, and the
        // file disappears when closed, whatever happens.
        var path = Path.Combine(Path.GetTempPath(), "mikucloud-batch-" + Path.GetRandomFileName());
        await using var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81_920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await spool.WriteAsync(head, cancellationToken);
        var (_, complete) = await BoundedCopy.CopyAsync(content, spool, _options.MaxArchiveBytes, head.Length, null, cancellationToken);
        if (!complete)
        {
            yield return BatchUploadResult.Refuse(name, ProblemCodes.BatchZipTooLarge,
                $"The zip file is larger than {Mb(_options.MaxArchiveBytes)}; split it into smaller ones.");
            yield break;
        }

        spool.Position = 0;
        await foreach (var result in new BatchZipReader(_options).ReadAsync(name, spool, TakeFile, Process, cancellationToken))
        {
            yield return result;
        }
    }

    private BatchUploadResult Process(string name, byte[] bytes)
    {
        ProcessedImage image;
        try
        {
            image = pipeline.Process(bytes);
        }
        catch (ImageRejectedException e)
        {
            return BatchUploadResult.Refuse(name, e.Code, e.Message);
        }

        return BatchUploadResult.Accepted(new BatchUploadItem(name, image, BatchThumbnail.Create(image)));
    }

    private bool TakeFile() => ++_files <= _options.MaxFilesPerUpload;

    private BatchUploadResult TooManyFiles(string name) => BatchUploadResult.Refuse(name, ProblemCodes.BatchTooManyFiles,
        $"One upload adds at most {_options.MaxFilesPerUpload} files; add the rest in another upload.");

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}
