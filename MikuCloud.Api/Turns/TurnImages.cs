using System.Diagnostics;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Images;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Prepares a question's images for the model: each one processed (upright, metadata stripped, within the pixel
/// budget) and given its id once, as the <see cref="StoredImage"/> that is saved with the question and whose bytes go
/// on in memory into the prompt. A bad image is a problem (400/413/415) naming it.
/// </summary>
public sealed class TurnImages(ImagePipeline pipeline, TurnTelemetry telemetry)
{
    /// <summary>The images, processed, in the order sent.</summary>
    public List<StoredImage> Process(IReadOnlyList<byte[]> images, string ownerId)
    {
        ArgumentNullException.ThrowIfNull(images);
        var stored = new List<StoredImage>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var p = Process(images[i], i);
            stored.Add(new StoredImage
            {
                Id = Guid.NewGuid(), OwnerId = ownerId, Ordinal = i, MediaType = p.MediaType, Data = p.Data, Width = p.Width, Height = p.Height,
                VisualTokens = p.VisualTokens, SourceFormat = p.SourceFormat.ToString().ToLowerInvariant(),
                OriginalWidth = p.OriginalWidth, OriginalHeight = p.OriginalHeight, OriginalBytes = p.OriginalBytes,
            });
        }

        return stored;
    }

    /// <summary>
    /// Images the pipeline already produced (stored by an earlier upload), described from their headers without being
    /// decoded: same dimensions and visual tokens as when they were processed. Anything else is refused as corrupt.
    /// </summary>
    public List<StoredImage> AlreadyProcessed(IReadOnlyList<byte[]> images, string ownerId)
    {
        ArgumentNullException.ThrowIfNull(images);
        var stored = new List<StoredImage>(images.Count);
        for (var i = 0; i < images.Count; i++)
        {
            var data = images[i];
            var format = ImageSniffer.Detect(data);
            if (format is not (ImageFormatKind.Jpeg or ImageFormatKind.Png) || !ImageSniffer.TryReadDimensions(data, out var width, out var height))
            {
                // The pipeline writes only JPEG and PNG: anything else is not what it wrote; decode it as any upload.
                var decoded = Process([data], ownerId)[0];
                decoded.Ordinal = i;
                stored.Add(decoded);
                continue;
            }

            stored.Add(new StoredImage
            {
                Id = Guid.NewGuid(), OwnerId = ownerId, Ordinal = i, MediaType = format == ImageFormatKind.Png ? "image/png" : "image/jpeg", Data = data,
                Width = width, Height = height, VisualTokens = width / ImagePipeline.TokenSide * (height / ImagePipeline.TokenSide),
                SourceFormat = format.Value.ToString().ToLowerInvariant(), OriginalWidth = width, OriginalHeight = height, OriginalBytes = data.LongLength,
            });
        }

        return stored;
    }

    private ProcessedImage Process(byte[] data, int index)
    {
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.image.process");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var processed = pipeline.Process(data);
            telemetry.ImageProcessed(Stopwatch.GetElapsedTime(started), processed.OriginalBytes - processed.Data.LongLength);
            span?.SetTag("mikucloud.image.format", processed.SourceFormat.ToString().ToLowerInvariant());
            span?.SetTag("mikucloud.image.original_pixels", (long)processed.OriginalWidth * processed.OriginalHeight);
            span?.SetTag("mikucloud.image.visual_tokens", processed.VisualTokens);
            return processed;
        }
        catch (ImageRejectedException ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Code);
            var status = ex.Code switch
            {
                ImageErrorCodes.TooLarge => 413,
                ImageErrorCodes.UnsupportedFormat => 415,
                _ => 400,
            };
            throw new ApiProblem(status, ex.Code, $"Image {index + 1}: {ex.Message}", new Dictionary<string, string[]> { [$"images[{index}]"] = [ex.Message] });
        }
    }
}
