using MikuCloud.Api.Images;
using SkiaSharp;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Images;

public sealed class ImageSnifferTests
{
    public static TheoryData<string> Kinds => ["jpeg", "png", "gif", "webp-lossy", "webp-lossless", "webp-alpha", "jpeg-exif"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Reads_dimensions_from_the_header_like_skia_does(string kind)
    {
        using var bitmap = PhotoLike(123, 45);
        using var withAlpha = Solid(123, 45, SKColors.Red.WithAlpha(100));
        var (data, expected) = kind switch
        {
            "jpeg" => (Jpeg(bitmap), ImageFormatKind.Jpeg),
            "jpeg-exif" => (InsertJpegSegment(Jpeg(bitmap), ExifApp1(6, withGps: true)), ImageFormatKind.Jpeg),
            "png" => (Png(bitmap), ImageFormatKind.Png),
            "gif" => (SolidGif(123, 45, SKColors.Red), ImageFormatKind.Gif),
            "webp-lossy" => (WebP(bitmap, lossless: false), ImageFormatKind.WebP),
            "webp-alpha" => (WebP(withAlpha, lossless: false), ImageFormatKind.WebP), // VP8X + ALPH + VP8
            _ => (WebP(bitmap, lossless: true), ImageFormatKind.WebP),
        };

        Assert.Equal(expected, ImageSniffer.Detect(data));
        Assert.True(ImageSniffer.TryReadDimensions(data, out var width, out var height));
        Assert.Equal((123, 45), (width, height));
        using var codec = SKCodec.Create(SKData.CreateCopy(data));
        Assert.Equal((codec.Info.Width, codec.Info.Height), (width, height));
    }

    [Fact]
    public void Sniffing_ignores_everything_but_magic_bytes()
    {
        Assert.Null(ImageSniffer.Detect("image/png; name=cat.png"u8));
        Assert.Null(ImageSniffer.Detect("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8));
        Assert.Null(ImageSniffer.Detect([]));
        Assert.Null(ImageSniffer.Detect("GIF88a"u8));
        Assert.Null(ImageSniffer.Detect("RIFF\0\0\0\0AVI "u8));
        Assert.Equal(ImageFormatKind.Gif, ImageSniffer.Detect("GIF87a"u8));
        Assert.Equal(ImageFormatKind.WebP, ImageSniffer.Detect("RIFF\0\0\0\0WEBP"u8));
        Assert.Equal(ImageFormatKind.Jpeg, ImageSniffer.Detect([0xFF, 0xD8, 0xFF]));
    }

    [Fact]
    public void Rejects_headers_that_are_truncated_or_zero_sized()
    {
        var png = SolidPng(10, 10, SKColors.Red);
        Assert.False(ImageSniffer.TryReadDimensions(png.AsSpan(0, 20), out _, out _));
        Assert.False(ImageSniffer.TryReadDimensions(PngHeader(0, 10), out _, out _));
        Assert.False(ImageSniffer.TryReadDimensions([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10], out _, out _));
        Assert.False(ImageSniffer.TryReadDimensions([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9], out _, out _));
        Assert.False(ImageSniffer.TryReadDimensions("GIF89a\0\0\x05\0"u8, out _, out _));
        Assert.False(ImageSniffer.TryReadDimensions("hello world, not an image"u8, out _, out _));
    }
}
