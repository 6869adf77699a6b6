using MikuCloud.Api.Images;
using SkiaSharp;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The preview kept for each batch item (the source image is deleted once answered): a small JPEG made from the
/// processed image with the image pipeline's own decode and resample steps.
/// </summary>
public static class BatchThumbnail
{
    /// <summary>Longest side of a thumbnail, in pixels: a results-table row, twice over for high-density screens.</summary>
    public const int MaxSide = 160;

    private const int JpegQuality = 80;

    /// <summary>Makes the thumbnail of an image that went through <see cref="ImagePipeline"/> (upright, opaque, sRGB).</summary>
    public static byte[] Create(ProcessedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (width, height) = Fit(image.Width, image.Height);
        using var data = SKData.CreateCopy(image.Data);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidOperationException("A processed image did not decode."); // ours, so a server fault
        using var decoded = ImageResampler.Decode(codec, width, height)
            ?? throw new InvalidOperationException("A processed image did not decode.");
        using var output = ImageResampler.Render(decoded, SKEncodedOrigin.TopLeft, width, height);
        using var pixmap = output.PeekPixels();
        using var encoded = pixmap.Encode(new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        return encoded?.ToArray() ?? throw new InvalidOperationException("Skia failed to encode a thumbnail.");
    }

    /// <summary>The size that fits <see cref="MaxSide"/> keeping the aspect ratio; small images keep their size.</summary>
    public static (int Width, int Height) Fit(int width, int height)
    {
        var scale = Math.Min(1.0, (double)MaxSide / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}
