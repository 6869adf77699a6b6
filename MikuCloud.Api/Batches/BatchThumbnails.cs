using SkiaSharp;

namespace MikuCloud.Api.Batches;

/// <summary>A small JPEG preview of an already processed (safe) image, for the results table.</summary>
public static class BatchThumbnails
{
    public static byte[]? Create(byte[] processed, int side)
    {
        ArgumentNullException.ThrowIfNull(processed);
        using var source = SKBitmap.Decode(processed);
        if (source is null)
        {
            return null;
        }

        var scale = Math.Min(1.0, (double)side / Math.Max(source.Width, source.Height));
        var info = new SKImageInfo(Math.Max(1, (int)(source.Width * scale)), Math.Max(1, (int)(source.Height * scale)));
        using var small = source.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var image = SKImage.FromBitmap(small ?? source);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 75);
        return data.ToArray();
    }
}
