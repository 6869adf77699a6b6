using MikuCloud.Api.Images;

namespace MikuCloud.Api.Batches;

/// <summary>A file (or zip entry) that became a batch item: its name, the processed image and a small preview.</summary>
/// <param name="FileName">As uploaded; a zip's entries are named <c>archive.zip/inner/path.jpg</c>.</param>
/// <param name="Image">The image after the image pipeline: validated, metadata stripped, within the pixel budget.</param>
/// <param name="Thumbnail">A JPEG whose long side is at most <see cref="BatchThumbnail.MaxSide"/> pixels.</param>
public sealed record BatchUploadItem(string FileName, ProcessedImage Image, byte[] Thumbnail);
