using MikuCloud.Api.Images;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Images;

public sealed class ImagePipelineFormatTests
{
    private readonly ImagePipeline _pipeline = new(new ImagePipelineOptions());

    public static TheoryData<string> Formats => ["jpeg", "png", "webp-lossy", "webp-lossless", "gif"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Each_format_is_accepted_and_output_decodes(string kind)
    {
        using var bitmap = Solid(96, 64, Blue);
        var (input, format, mediaType) = kind switch
        {
            "jpeg" => (Jpeg(bitmap), ImageFormatKind.Jpeg, "image/jpeg"),
            "png" => (Png(bitmap), ImageFormatKind.Png, "image/png"),
            "webp-lossy" => (WebP(bitmap, lossless: false), ImageFormatKind.WebP, "image/jpeg"),
            "webp-lossless" => (WebP(bitmap, lossless: true), ImageFormatKind.WebP, "image/png"),
            _ => (SolidGif(96, 64, Blue), ImageFormatKind.Gif, "image/png"),
        };

        var result = _pipeline.Process(input);

        Assert.Equal(format, result.SourceFormat);
        Assert.Equal(mediaType, result.MediaType);
        Assert.Equal((96, 64), (result.Width, result.Height));
        Assert.Equal((96, 64), (result.OriginalWidth, result.OriginalHeight));
        Assert.Equal(input.Length, result.OriginalBytes);
        Assert.False(result.Resized);
        Assert.Equal(3 * 2, result.VisualTokens);
        Assert.Equal(mediaType == "image/png" ? ImageFormatKind.Png : ImageFormatKind.Jpeg, ImageSniffer.Detect(result.Data));
        using var output = Decode(result.Data);
        Assert.Equal((96, 64), (output.Width, output.Height));
        Assert.True(Near(output.GetPixel(48, 32), Blue), $"centre is {output.GetPixel(48, 32)}");
    }

    [Fact]
    public void Animated_gif_keeps_only_the_first_frame()
    {
        var gif = SolidGif(64, 64, Red, Blue);

        var result = _pipeline.Process(gif);

        using var output = Decode(result.Data);
        Assert.Equal("image/png", result.MediaType);
        Assert.Equal(Red, output.GetPixel(32, 32));
    }

    [Fact]
    public void Transparent_png_is_flattened_onto_white()
    {
        using var bitmap = Solid(64, 64, SKColors.Transparent);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = Red })
        {
            canvas.DrawRect(32, 0, 32, 64, paint);
            paint.Color = Red.WithAlpha(128);
            canvas.DrawRect(0, 48, 64, 16, paint);
        }

        var result = _pipeline.Process(Png(bitmap));

        using var output = Decode(result.Data);
        Assert.Equal(SKAlphaType.Opaque, output.AlphaType);
        Assert.Equal(SKColors.White, output.GetPixel(8, 8));
        Assert.Equal(Red, output.GetPixel(48, 8));
        Assert.True(Near(output.GetPixel(8, 56), new SKColor(238, 137, 137), 3), $"half-transparent red over white is {output.GetPixel(8, 56)}");
    }

    [Fact]
    public void Transparent_gif_and_webp_are_flattened_onto_white()
    {
        var gif = Gif(32, 32, [Red, Blue], [Enumerable.Repeat((byte)1, 32 * 32).ToArray()], transparentIndex: 1);
        using var transparent = Solid(32, 32, SKColors.Transparent);

        foreach (var input in new[] { gif, WebP(transparent, lossless: true), WebP(transparent, lossless: false) })
        {
            using var output = Decode(_pipeline.Process(input).Data);
            Assert.Equal(SKColors.White, output.GetPixel(16, 16));
        }
    }

    // Expected colour at the output's (top-left, top-right, bottom-left, bottom-right) for a stored
    // image whose quadrants are red, green / blue, yellow, per the EXIF 2.3 orientation definitions.
    public static TheoryData<ushort, string> Orientations => new()
    {
        { 1, "RGBY" }, { 2, "GRYB" }, { 3, "YBGR" }, { 4, "BYRG" },
        { 5, "RBGY" }, { 6, "BRYG" }, { 7, "YGBR" }, { 8, "GYRB" },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Exif_orientation_is_applied(ushort orientation, string corners)
    {
        using var bitmap = Quadrants(96, 64);
        var jpeg = InsertJpegSegment(Jpeg(bitmap), ExifApp1(orientation));

        var result = _pipeline.Process(jpeg);

        var rotated = orientation >= 5;
        var (w, h) = rotated ? (64, 96) : (96, 64);
        Assert.Equal((w, h), (result.Width, result.Height));
        Assert.Equal((w, h), (result.OriginalWidth, result.OriginalHeight));
        Assert.False(result.Resized);
        using var output = Decode(result.Data);
        AssertCorners(output, corners);
        Assert.DoesNotContain((byte)0xE1, JpegMarkers(result.Data));
    }

    [Fact]
    public void WebP_exif_orientation_is_applied()
    {
        using var bitmap = Quadrants(96, 64);
        var webp = WebPWithExif(WebP(bitmap, lossless: true), 96, 64, orientation: 6);

        var result = _pipeline.Process(webp);

        Assert.Equal((64, 96), (result.Width, result.Height));
        using var output = Decode(result.Data);
        AssertCorners(output, "BRYG");
    }

    [Fact]
    public void Png_exif_orientation_is_ignored_like_skia_does()
    {
        // Skia 119's PNG codec does not read eXIf, so such PNGs stay as stored (metadata still stripped).
        using var bitmap = Quadrants(96, 64);
        var png = InsertPngChunks(Png(bitmap), PngChunk("eXIf", ExifApp1(6)[10..]));

        var result = _pipeline.Process(png);

        Assert.Equal((96, 64), (result.Width, result.Height));
        using var output = Decode(result.Data);
        AssertCorners(output, "RGBY");
    }

    public static TheoryData<string> LargeKinds => ["jpeg", "png", "webp-lossy", "webp-lossless", "gif"];

    [Theory]
    [MemberData(nameof(LargeKinds))]
    public void Large_images_of_every_format_are_resized_faithfully(string kind)
    {
        using var bitmap = Quadrants(1600, 1200);
        var input = kind switch
        {
            "jpeg" => Jpeg(bitmap),
            "png" => Png(bitmap),
            "webp-lossy" => WebP(bitmap, lossless: false),
            "webp-lossless" => WebP(bitmap, lossless: true),
            _ => Gif(1600, 1200, [Red, Green, Blue, Yellow], [QuadrantIndices(1600, 1200)]),
        };

        var result = _pipeline.Process(input);

        Assert.Equal((1152, 864), (result.Width, result.Height));
        Assert.True(result.Resized);
        using var output = Decode(result.Data);
        AssertCorners(output, "RGBY");
        Assert.True(Near(output.GetPixel(300, 200), Red, 12), $"{output.GetPixel(300, 200)}");
        Assert.True(Near(output.GetPixel(850, 650), Yellow, 12), $"{output.GetPixel(850, 650)}");
    }

    [Fact]
    public void Downscaling_is_antialiased()
    {
        // A 1-px checkerboard shrunk by 1.27x: a point-sampling or bilinear resize leaves moire
        // bands of near-black and near-white; a properly widened filter gives flat grey.
        using var bitmap = new SKBitmap(new SKImageInfo(1300, 1300, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = ((i % 1300) + (i / 1300)) % 2 == 0 ? (byte)0 : (byte)255;
        }

        var result = _pipeline.Process(Png(bitmap));

        Assert.Equal((1024, 1024), (result.Width, result.Height));
        using var output = Decode(result.Data);
        var worst = 0;
        for (var y = 8; y < 1016; y += 3)
        {
            for (var x = 8; x < 1016; x += 3)
            {
                worst = Math.Max(worst, Math.Abs(output.GetPixel(x, y).Red - 128));
            }
        }

        Assert.True(worst <= 40, $"worst deviation from grey: {worst}"); // ~23 here; Skia bilinear gives 128, Skia Mitchell 78
    }

    [Fact]
    public void Unusual_pixel_formats_decode()
    {
        // 8-bit grey, 16-bit RGBA (twice) and 8-bit RGB PNGs
        foreach (var colorType in new[] { SKColorType.Gray8, SKColorType.RgbaF16, SKColorType.Rgba1010102, SKColorType.Rgb565 })
        {
            using var bitmap = new SKBitmap(new SKImageInfo(64, 64, colorType, colorType == SKColorType.Gray8 || colorType == SKColorType.Rgb565 ? SKAlphaType.Opaque : SKAlphaType.Premul));
            bitmap.Erase(SKColors.Gray);

            var result = _pipeline.Process(Png(bitmap));

            using var output = Decode(result.Data);
            Assert.True(Near(output.GetPixel(32, 32), SKColors.Gray, 6), $"{colorType}: {output.GetPixel(32, 32)}");
        }
    }

    [Fact]
    public void Orientation_is_applied_while_resizing()
    {
        using var bitmap = Quadrants(1600, 1200);
        var jpeg = InsertJpegSegment(Jpeg(bitmap), ExifApp1(6));

        var result = _pipeline.Process(jpeg);

        Assert.Equal((1200, 1600), (result.OriginalWidth, result.OriginalHeight));
        Assert.True(result.Resized);
        Assert.True(result.Height > result.Width);
        using var output = Decode(result.Data);
        AssertCorners(output, "BRYG");
    }

    [Fact]
    public void Jpeg_metadata_including_gps_does_not_survive()
    {
        using var bitmap = Quadrants(96, 64);
        byte[] comment = [0xFF, 0xFE, 0x00, 0x0E, .. "secret-note"u8.ToArray(), 0];
        var jpeg = InsertJpegSegment(InsertJpegSegment(Jpeg(bitmap), ExifApp1(1, withGps: true)), comment);
        Assert.True(Contains(jpeg, GpsRationalBytes()));

        var result = _pipeline.Process(jpeg);

        var markers = JpegMarkers(result.Data);
        Assert.DoesNotContain(markers, m => m is >= 0xE1 and <= 0xEF); // APP1 (Exif/XMP), APP2 (ICC), ...
        Assert.DoesNotContain((byte)0xFE, markers);                   // COM
        Assert.False(Contains(result.Data, "Exif"));
        Assert.False(Contains(result.Data, "MM\0*"));
        Assert.False(Contains(result.Data, GpsRationalBytes()));
        Assert.False(Contains(result.Data, "secret-note"));
    }

    [Fact]
    public void Png_text_and_exif_chunks_do_not_survive()
    {
        var exifPayload = ExifApp1(1, withGps: true)[10..]; // eXIf holds the bare TIFF structure
        var png = InsertPngChunks(SolidPng(64, 64, Green),
            PngChunk("tEXt", "Comment\0secret-text"u8.ToArray()),
            PngChunk("iTXt", "XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>secret-xmp</x:xmpmeta>"u8.ToArray()),
            PngChunk("eXIf", exifPayload));
        Assert.Equal(Green, Decode(png).GetPixel(1, 1)); // the doctored input is still a valid PNG

        var result = _pipeline.Process(png);

        var chunks = PngChunkTypes(result.Data);
        Assert.Equal("IHDR", chunks[0]);
        Assert.Equal("IEND", chunks[^1]);
        Assert.All(chunks, c => Assert.Contains(c, new[] { "IHDR", "sBIT", "IDAT", "IEND" })); // Skia adds sBIT (bit depths)
        Assert.DoesNotContain(chunks, c => c is "tEXt" or "iTXt" or "zTXt" or "eXIf" or "iCCP");
        Assert.False(Contains(result.Data, "secret"));
        Assert.False(Contains(result.Data, GpsRationalBytes()));
    }

    [Fact]
    public void Polyglot_trailer_is_dropped()
    {
        var trailer = Concat("<html><script>alert(1)</script></html>"u8.ToArray(), [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0]);
        var polyglot = Concat(SolidJpeg(64, 64, Red), trailer);

        var result = _pipeline.Process(polyglot);

        Assert.Equal("image/jpeg", result.MediaType);
        Assert.False(Contains(result.Data, "<script>"));
        Assert.False(Contains(result.Data, [0x50, 0x4B, 0x03, 0x04]));
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, result.Data[^2..]);
    }

    [Fact]
    public void Pipeline_is_thread_safe()
    {
        var inputs = Enumerable.Range(0, 16).Select(i => i % 2 == 0
            ? SolidJpeg(200 + i * 10, 150, Red) : SolidPng(100, 300 + i * 10, Blue)).ToArray();
        var sequential = inputs.Select(i => _pipeline.Process(i).Data).ToArray();

        var parallel = new byte[inputs.Length][];
        Parallel.For(0, inputs.Length, i => parallel[i] = _pipeline.Process(inputs[i]).Data);

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    private static byte[] QuadrantIndices(int width, int height)
    {
        var indices = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                indices[y * width + x] = (byte)((x < width / 2 ? 0 : 1) + (y < height / 2 ? 0 : 2));
            }
        }

        return indices;
    }

    private static void AssertCorners(SKBitmap output, string expected)
    {
        var inset = 8;
        var actual = new[]
        {
            output.GetPixel(inset, inset), output.GetPixel(output.Width - inset, inset),
            output.GetPixel(inset, output.Height - inset), output.GetPixel(output.Width - inset, output.Height - inset),
        };
        var names = new string(actual.Select(Name).ToArray());
        Assert.Equal(expected, names);

        static char Name(SKColor c) =>
            new[] { ('R', Red), ('G', Green), ('B', Blue), ('Y', Yellow) }
                .MinBy(p => Math.Abs(p.Item2.Red - c.Red) + Math.Abs(p.Item2.Green - c.Green) + Math.Abs(p.Item2.Blue - c.Blue)).Item1;
    }
}
