using System.Globalization;
using SkiaSharp;

namespace MikuCloud.Api.Images;

/// <summary>
/// Turns an untrusted uploaded image into one that is safe to store and cheap to send to
/// Qwen3-VL: sniffed by content, bomb-checked from the header, decoded (first frame only),
/// made upright, flattened onto white, resized to the visual-token budget and re-encoded
/// without metadata. Pure and thread-safe; one instance can serve all requests.
/// </summary>
public sealed class ImagePipeline
{
    /// <summary>
    /// Side of one visual token in pixels: Qwen3-VL uses 16 px patches merged 2x2, so output sides
    /// are multiples of 32 and no partial token is padded or cropped by the model's preprocessor.
    /// </summary>
    public const int TokenSide = 32;

    private readonly long _maxBytes;
    private readonly long _maxSourcePixels;
    private readonly int _pixelBudget;
    private readonly int _minSide;
    private readonly double _maxAspectRatio;
    private readonly int _jpegQuality;

    /// <summary>Creates a pipeline; the options are validated and copied, later changes are ignored.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public ImagePipeline(ImagePipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        (_maxBytes, _maxSourcePixels, _pixelBudget) = (options.MaxBytes, options.MaxSourcePixels, options.PixelBudget);
        (_minSide, _maxAspectRatio, _jpegQuality) = (options.MinSide, options.MaxAspectRatio, options.JpegQuality);
    }

    /// <summary>Validates and normalises one image.</summary>
    /// <exception cref="ImageRejectedException">The input is refused; the only exception hostile input produces.</exception>
    public ProcessedImage Process(ReadOnlyMemory<byte> input)
    {
        var bytes = input.Span;
        if (bytes.Length > _maxBytes)
        {
            throw new ImageRejectedException(ImageErrorCodes.TooLarge,
                $"Image is {FormatBytes(bytes.Length)}; the limit is {FormatBytes(_maxBytes)} per image.");
        }

        var format = ImageSniffer.Detect(bytes) ?? throw new ImageRejectedException(ImageErrorCodes.UnsupportedFormat,
            "Unsupported image format; send a JPEG, PNG, WebP or GIF image.");

        // Header first: refusing here costs microseconds and allocates nothing.
        if (!ImageSniffer.TryReadDimensions(bytes, out var headerWidth, out var headerHeight))
        {
            throw Corrupt();
        }

        CheckGeometry(headerWidth, headerHeight);

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw Corrupt();
        if (codec.EncodedFormat != ToSkia(format))
        {
            throw Corrupt();
        }

        // Skia may read a different header than ours (e.g. a JPEG with two SOF markers): check its view too.
        var info = codec.Info;
        CheckGeometry(info.Width, info.Height);

        var origin = codec.EncodedOrigin;
        var swap = ImageResampler.SwapsAxes(origin);
        var (originalWidth, originalHeight) = swap ? (info.Height, info.Width) : (info.Width, info.Height);
        var (width, height) = SmartResize(originalWidth, originalHeight, _pixelBudget, _minSide);

        using var decoded = ImageResampler.Decode(codec, swap ? height : width, swap ? width : height) ?? throw Corrupt();
        using var output = ImageResampler.Render(decoded, origin, width, height);

        var png = format is ImageFormatKind.Png or ImageFormatKind.Gif
            || (format == ImageFormatKind.WebP && ImageSniffer.IsLosslessWebP(bytes));
        var encoded = Encode(output, png);

        return new ProcessedImage(encoded, png ? "image/png" : "image/jpeg", width, height, format,
            originalWidth, originalHeight, bytes.Length,
            Resized: width != originalWidth || height != originalHeight,
            VisualTokens: width / TokenSide * (height / TokenSide));
    }

    /// <summary>
    /// Qwen-VL's <c>smart_resize</c> with factor 32: keeps the aspect ratio, rounds each side to a
    /// multiple of 32, shrinks until width*height fits <paramref name="pixelBudget"/>, and scales
    /// up images whose short side is under <paramref name="minSide"/>.
    /// </summary>
    public static (int Width, int Height) SmartResize(
        int width, int height, int pixelBudget = ImagePipelineOptions.DefaultPixelBudget, int minSide = TokenSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSide, TokenSide);
        if (minSide % TokenSide != 0 || (long)minSide * minSide > pixelBudget)
        {
            throw new ArgumentOutOfRangeException(nameof(minSide), "minSide must be a multiple of 32 with minSide^2 <= pixelBudget.");
        }

        double w = width, h = height;
        var upscale = Math.Max(1.0, minSide / Math.Min(w, h));
        (w, h) = (w * upscale, h * upscale);

        // Python's round() is banker's rounding; match it so token counts agree with the reference.
        static double RoundTo(double v) => Math.Round(v / TokenSide, MidpointRounding.ToEven) * TokenSide;
        static double FloorTo(double v) => Math.Floor(v / TokenSide) * TokenSide;

        double wBar = Math.Max(minSide, RoundTo(w)), hBar = Math.Max(minSide, RoundTo(h));
        if (wBar * hBar > pixelBudget)
        {
            var beta = Math.Sqrt(w * h / pixelBudget);
            (wBar, hBar) = (Math.Max(minSide, FloorTo(w / beta)), Math.Max(minSide, FloorTo(h / beta)));

            // Only reachable when the short side sits on its floor (extreme ratio, small budget): trim the long side.
            if (wBar * hBar > pixelBudget)
            {
                if (wBar >= hBar) { wBar = Math.Max(minSide, FloorTo(pixelBudget / hBar)); }
                else { hBar = Math.Max(minSide, FloorTo(pixelBudget / wBar)); }
            }
        }

        return ((int)wBar, (int)hBar);
    }

    /// <summary>
    /// Visual tokens an image of this size costs after <see cref="SmartResize"/> at the given
    /// budget. With <paramref name="pixelBudget"/> = 2_097_152 it estimates what Ollama would spend
    /// on the image unprocessed.
    /// </summary>
    public static int VisualTokensFor(int width, int height, int pixelBudget = ImagePipelineOptions.DefaultPixelBudget)
    {
        var (w, h) = SmartResize(width, height, pixelBudget);
        return w / TokenSide * (h / TokenSide);
    }

    private void CheckGeometry(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw Corrupt();
        }

        var pixels = (long)width * height;
        if (pixels > _maxSourcePixels)
        {
            throw new ImageRejectedException(ImageErrorCodes.TooManyPixels,
                $"Image is {width}x{height} ({Megapixels(pixels)} megapixels); the limit is {Megapixels(_maxSourcePixels)} megapixels.");
        }

        var ratio = (double)Math.Max(width, height) / Math.Min(width, height);
        if (ratio > _maxAspectRatio)
        {
            throw new ImageRejectedException(ImageErrorCodes.BadAspectRatio,
                $"Image is {width}x{height}, an aspect ratio of {Number(ratio)}:1; the limit is {Number(_maxAspectRatio)}:1.");
        }
    }

    private byte[] Encode(SKBitmap bitmap, bool png)
    {
        using var pixmap = bitmap.PeekPixels();
        using var encoded = png
            ? pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6))
            : pixmap.Encode(new SKJpegEncoderOptions(_jpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));

        // Our own bitmap failing to encode is a server fault, not the user's.
        return encoded?.ToArray() ?? throw new InvalidOperationException("Skia failed to encode the processed image.");
    }

    private static SKEncodedImageFormat ToSkia(ImageFormatKind format) => format switch
    {
        ImageFormatKind.Jpeg => SKEncodedImageFormat.Jpeg,
        ImageFormatKind.Png => SKEncodedImageFormat.Png,
        ImageFormatKind.WebP => SKEncodedImageFormat.Webp,
        _ => SKEncodedImageFormat.Gif,
    };

    private static ImageRejectedException Corrupt() => new(ImageErrorCodes.Corrupt,
        "The image could not be decoded; it may be truncated or corrupt.");

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Megapixels(long pixels) => (pixels / 1_000_000.0).ToString("0.##", CultureInfo.InvariantCulture);

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => Number(bytes / (1024.0 * 1024)) + " MB",
        >= 1024 => Number(bytes / 1024.0) + " KB",
        _ => bytes + " bytes",
    };
}
