using SkiaSharp;

namespace MikuCloud.Api.Images;

/// <summary>
/// Decoding and resampling steps of <see cref="ImagePipeline"/>: decode-time subsampling,
/// 2x box reductions, an antialiased bicubic resize to the exact size, then one draw that
/// orients and flattens.
/// </summary>
internal static class ImageResampler
{
    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    /// <summary>Orientations that rotate by 90 degrees (the stored width becomes the visible height).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Decodes the first frame into premultiplied sRGB, at the smallest size the codec can produce
    /// cheaply that is still at least <paramref name="minWidth"/> x <paramref name="minHeight"/>
    /// (stored orientation). Returns null if the data is truncated or invalid.
    /// </summary>
    public static SKBitmap? Decode(SKCodec codec, int minWidth, int minHeight)
    {
        // JPEG decodes at n/8 scale inside the IDCT and WebP scales while decoding; both are far
        // cheaper than decoding full size and shrinking. PNG and GIF report only their full size.
        // (SkiaSharp 3.x exposes no sampleSize option on SKCodecOptions; this is the equivalent.)
        var size = codec.Info.Size;
        for (var n = 1; n < 8; n++)
        {
            var scaled = codec.GetScaledDimensions(n / 8f);
            if (scaled.Width >= minWidth && scaled.Height >= minHeight && scaled.Width < size.Width)
            {
                size = scaled;
                break;
            }
        }

        var alpha = codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var info = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, alpha, Srgb);

        // Zeroed so that no stale heap bytes can ever end up in an output image.
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info, SKBitmapAllocFlags.ZeroPixels))
        {
            bitmap.Dispose();
            throw new InsufficientMemoryException($"Could not allocate a {size.Width}x{size.Height} pixel buffer.");
        }

        // IncompleteInput still "succeeds" with the missing rows filled in; the user should resend
        // rather than have the model describe decoder filler, so anything but Success is refused.
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>
    /// Produces the final opaque <paramref name="width"/> x <paramref name="height"/> bitmap:
    /// resampled from <paramref name="source"/> (stored orientation), EXIF orientation applied,
    /// transparency composited onto white. The result has no colour space attached, so encoders
    /// write no ICC profile; its pixels are already sRGB.
    /// </summary>
    public static SKBitmap Render(SKBitmap source, SKEncodedOrigin origin, int width, int height)
    {
        var (drawWidth, drawHeight) = SwapsAxes(origin) ? (height, width) : (width, height);

        using var reduced = HalveWhileLarger(source, drawWidth, drawHeight);
        var current = reduced ?? source;
        using var resized = current.Width == drawWidth && current.Height == drawHeight
            ? null
            : SeparableResampler.Resize(current, drawWidth, drawHeight);
        current = resized ?? current;

        // Pixels now map 1:1, so the orienting draw only moves them: nearest sampling copies exactly.
        var output = new SKBitmap(new SKImageInfo(width, height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(output))
        using (var pixmap = current.PeekPixels())
        using (var image = SKImage.FromPixels(pixmap))
        {
            canvas.Clear(SKColors.White);
            canvas.SetMatrix(OrientationMatrix(origin, width, height));
            canvas.DrawImage(image, new SKRect(0, 0, drawWidth, drawHeight), new SKSamplingOptions(SKFilterMode.Nearest), null);
        }

        return output;
    }

    /// <summary>
    /// Repeated 2x bilinear reductions (an exact 2x2 box filter) until the next halving would
    /// undershoot the target. Cheap in Skia (about 2 ms per output megapixel), and it bounds the
    /// bicubic pass to a ratio under 2, i.e. at most 9 taps per axis, however large the source.
    /// Returns null when nothing was halved.
    /// </summary>
    private static SKBitmap? HalveWhileLarger(SKBitmap source, int targetWidth, int targetHeight)
    {
        SKBitmap? current = null;
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
        while ((current ?? source).Width / 2 >= targetWidth && (current ?? source).Height / 2 >= targetHeight)
        {
            var from = current ?? source;
            var half = new SKBitmap(from.Info.WithSize(from.Width / 2, from.Height / 2));
            using (var canvas = new SKCanvas(half))
            using (var pixmap = from.PeekPixels())
            using (var image = SKImage.FromPixels(pixmap))
            {
                canvas.Clear(SKColors.Transparent);
                canvas.DrawImage(image, new SKRect(0, 0, half.Width, half.Height), sampling, null);
            }

            current?.Dispose();
            current = half;
        }

        return current;
    }

    /// <summary>
    /// Maps the stored image, drawn at (0,0)-(w',h') where w',h' are the stored-orientation sizes,
    /// onto the upright output of size <paramref name="w"/> x <paramref name="h"/> (EXIF 1-8).
    /// </summary>
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float w, float h) => origin switch
    {
        // SKMatrix(scaleX, skewX, transX, skewY, scaleY, transY, persp0, persp1, persp2):
        // x' = scaleX*x + skewX*y + transX;  y' = skewY*x + scaleY*y + transY.
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),     // mirror horizontally
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1), // rotate 180
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),   // mirror vertically
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),       // transpose
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),     // rotate 90 clockwise
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1), // transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),   // rotate 90 counter-clockwise
        _ => SKMatrix.Identity,
    };
}
