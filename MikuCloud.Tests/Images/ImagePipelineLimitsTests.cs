using System.Diagnostics;
using System.Text;
using MikuCloud.Api.Images;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Images;

public sealed class ImagePipelineLimitsTests
{
    private readonly ImagePipeline _pipeline = new(new ImagePipelineOptions());

    [Fact]
    public void Large_photo_is_scaled_into_the_budget()
    {
        using var bitmap = PhotoLike(4000, 3000);
        var input = Jpeg(bitmap);

        var result = _pipeline.Process(input);

        Assert.True(result.Width * result.Height <= ImagePipelineOptions.DefaultPixelBudget);
        Assert.Equal(0, result.Width % 32);
        Assert.Equal(0, result.Height % 32);
        Assert.InRange(result.Width - result.Height * 4.0 / 3.0, -32, 32);
        Assert.Equal((1152, 864), (result.Width, result.Height));
        Assert.Equal(result.Width / 32 * (result.Height / 32), result.VisualTokens);
        Assert.Equal(ImagePipeline.VisualTokensFor(4000, 3000), result.VisualTokens);
        Assert.True(result.Resized);
        Assert.Equal((4000, 3000), (result.OriginalWidth, result.OriginalHeight));
        using var output = Decode(result.Data);
        Assert.Equal((1152, 864), (output.Width, output.Height));
    }

    [Theory]
    [InlineData(640, 480, 640, 480)]   // already multiples of 32: untouched size
    [InlineData(650, 470, 640, 480)]   // only snapped to the 32 grid
    [InlineData(10, 10, 32, 32)]       // tiny: normalised up, not refused
    [InlineData(100, 10, 320, 32)]     // upscaled keeping the aspect ratio
    [InlineData(6400, 40, 6400, 32)]   // ratio 160: accepted
    [InlineData(1, 200, 32, 6400)]
    public void Small_and_odd_images_are_snapped_to_the_token_grid(int width, int height, int expectedWidth, int expectedHeight)
    {
        var result = _pipeline.Process(SolidPng(width, height, Green));

        Assert.Equal((expectedWidth, expectedHeight), (result.Width, result.Height));
        Assert.Equal(width != expectedWidth || height != expectedHeight, result.Resized);
        Assert.Equal(expectedWidth / 32 * (expectedHeight / 32), result.VisualTokens);
        using var output = Decode(result.Data);
        Assert.Equal(Green, output.GetPixel(expectedWidth / 2, expectedHeight / 2));
    }

    [Theory]
    [InlineData(4000, 3000, 1_048_576, 1152, 864)]
    [InlineData(3000, 4000, 1_048_576, 864, 1152)]
    [InlineData(4000, 3000, 2_097_152, 1664, 1248)]
    [InlineData(1024, 1024, 1_048_576, 1024, 1024)]
    [InlineData(1030, 1030, 1_048_576, 1024, 1024)]
    [InlineData(20000, 100, 1_048_576, 14464, 64)]
    [InlineData(6400, 32, 65_536, 2048, 32)]        // extreme ratio, tiny budget: long side trimmed
    public void SmartResize_matches_the_reference(int width, int height, int budget, int expectedWidth, int expectedHeight)
    {
        var (w, h) = ImagePipeline.SmartResize(width, height, budget);

        Assert.Equal((expectedWidth, expectedHeight), (w, h));
        Assert.True((long)w * h <= budget);
    }

    [Fact]
    public void VisualTokensFor_estimates_unprocessed_cost()
    {
        Assert.Equal(36 * 27, ImagePipeline.VisualTokensFor(4000, 3000));
        Assert.Equal(52 * 39, ImagePipeline.VisualTokensFor(4000, 3000, ImagePipelineOptions.MaxPixelBudget));
        Assert.Equal(1, ImagePipeline.VisualTokensFor(1, 1));
    }

    [Fact]
    public void Extreme_panorama_is_refused()
    {
        var error = Assert.Throws<ImageRejectedException>(() => _pipeline.Process(SolidPng(20000, 50, Blue)));

        Assert.Equal(ImageErrorCodes.BadAspectRatio, error.Code);
        Assert.Contains("400:1", error.Message);
        Assert.Contains("200:1", error.Message);
    }

    [Fact]
    public void Oversized_input_is_refused_before_anything_else()
    {
        var pipeline = new ImagePipeline(new ImagePipelineOptions { MaxBytes = 1000 });
        using var bitmap = PhotoLike(200, 200);

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(Jpeg(bitmap)));

        Assert.Equal(ImageErrorCodes.TooLarge, error.Code);
        Assert.Contains("the limit is 1000 bytes per image", error.Message);
        Assert.Equal(ImageErrorCodes.TooLarge, Assert.Throws<ImageRejectedException>(
            () => pipeline.Process(Encoding.ASCII.GetBytes(new string('x', 1001)))).Code);
    }

    [Fact]
    public void Size_message_uses_megabytes()
    {
        var pipeline = new ImagePipeline(new ImagePipelineOptions { MaxBytes = 2 * 1024 * 1024 });
        var input = new byte[(int)(3.2 * 1024 * 1024)];

        var error = Assert.Throws<ImageRejectedException>(() => pipeline.Process(input));

        Assert.Equal("Image is 3.2 MB; the limit is 2 MB per image.", error.Message);
    }

    public static TheoryData<string, byte[]> Bombs => new()
    {
        { "png 60000x60000", PngBomb(60000, 60000) },
        { "png 4e9 x 1", PngBomb(4_000_000_000, 1) },
        { "jpeg 65000x65000", JpegSofOnly(65000, 65000) },
        { "gif 65535x65535", GifHeaderOnly(65535, 65535) },
        { "webp 16384x16384", WebPVp8xOnly(16384, 16384) },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Decompression_bombs_are_refused_from_the_header(string name, byte[] bomb)
    {
        Assert.True(bomb.Length < 300, name);
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<ImageRejectedException>(() => _pipeline.Process(bomb));

        Assert.Equal(ImageErrorCodes.TooManyPixels, error.Code);
        Assert.Contains("the limit is 50 megapixels", error.Message);
        Assert.True(watch.ElapsedMilliseconds < 1000, $"{name} took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var pipeline = new ImagePipeline(new ImagePipelineOptions { MaxSourcePixels = 10_000 });

        Assert.Equal(ImageErrorCodes.TooManyPixels,
            Assert.Throws<ImageRejectedException>(() => pipeline.Process(SolidPng(101, 100, Red))).Code);
        Assert.Equal(96, pipeline.Process(SolidPng(100, 100, Red)).Width);
    }

    public static TheoryData<string> Truncatable => ["jpeg", "png", "gif", "webp"];

    [Theory]
    [MemberData(nameof(Truncatable))]
    public void Truncated_images_are_corrupt(string kind)
    {
        using var bitmap = PhotoLike(320, 240);
        var full = kind switch
        {
            "jpeg" => Jpeg(bitmap),
            "png" => Png(bitmap),
            "webp" => WebP(bitmap, lossless: false),
            _ => SolidGif(320, 240, Red, Blue),
        };

        foreach (var cut in new[] { full.Length / 2, full.Length / 4, 40, 20, 12 })
        {
            var error = Assert.Throws<ImageRejectedException>(() => _pipeline.Process(full[..cut]));
            Assert.Equal(ImageErrorCodes.Corrupt, error.Code);
        }
    }

    [Fact]
    public void Jpeg_missing_only_its_end_marker_is_refused_as_corrupt()
    {
        // Every row is present, but Skia reports IncompleteInput, and the policy is to refuse
        // anything short of Success rather than guess how much of the picture is real.
        var jpeg = SolidJpeg(64, 64, Red);

        var error = Assert.Throws<ImageRejectedException>(() => _pipeline.Process(jpeg[..^2]));

        Assert.Equal(ImageErrorCodes.Corrupt, error.Code);
    }

    public static TheoryData<string, byte[]> NotImages => new()
    {
        { "text", "just some text, named cat.jpg"u8.ToArray() },
        { "svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray() },
        { "zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0] },
        { "empty", [] },
        { "3 random bytes", [0x8F, 0x13, 0xC2] },
        { "bmp", [.. "BM"u8, 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 24, 0] },
        { "pdf", "%PDF-1.7\n1 0 obj\n"u8.ToArray() },
        { "heic", [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8] },
        { "riff wav", [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8] },
        { "jpeg magic only", [0xFF, 0xD8] },
    };

    [Theory]
    [MemberData(nameof(NotImages))]
    public void Non_images_are_refused(string name, byte[] input)
    {
        var error = Assert.Throws<ImageRejectedException>(() => _pipeline.Process(input));

        Assert.True(error.Code == ImageErrorCodes.UnsupportedFormat, $"{name}: {error.Code}");
    }

    [Fact]
    public void Invalid_options_fail_fast()
    {
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { PixelBudget = 4_000_000 }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { MinSide = 48 }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { JpegQuality = 0 }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { MaxAspectRatio = 500 }));
        Assert.Throws<ArgumentException>(() => new ImagePipeline(new ImagePipelineOptions { MinSide = 512, PixelBudget = 65_536 }));
        _ = new ImagePipeline(new ImagePipelineOptions { PixelBudget = ImagePipelineOptions.MaxPixelBudget, MinSide = 64 });
    }

    private static byte[] JpegSofOnly(int width, int height) =>
    [
        0xFF, 0xD8,
        0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width,
        0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
        0xFF, 0xD9,
    ];

    private static byte[] GifHeaderOnly(int width, int height) =>
        [.. "GIF89a"u8, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x3B];

    private static byte[] WebPVp8xOnly(int width, int height) =>
    [
        .. "RIFF"u8, 22, 0, 0, 0, .. "WEBP"u8, .. "VP8X"u8, 10, 0, 0, 0,
        0, 0, 0, 0,
        (byte)(width - 1), (byte)((width - 1) >> 8), (byte)((width - 1) >> 16),
        (byte)(height - 1), (byte)((height - 1) >> 8), (byte)((height - 1) >> 16),
    ];
}
