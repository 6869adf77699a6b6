namespace MikuCloud.Api.Batches;

/// <summary>
/// Turns one uploaded file into batch items: an image becomes one, an archive of images one per entry; what cannot be
/// an item is a refusal with its problem code. Streams: reads <c>content</c> once, never needs it whole.
/// </summary>
public interface IBatchFileReader
{
    /// <summary>The file's items and refusals, in order.</summary>
    IAsyncEnumerable<BatchUpload> ReadAsync(string fileName, Stream content, CancellationToken cancellationToken);
}
