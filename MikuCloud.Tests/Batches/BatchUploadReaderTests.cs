using System.Text;
using MikuCloud.Api.Batches;
using MikuCloud.Api.Images;
using static MikuCloud.Tests.Batches.BatchUploads;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Batches;

/// <summary>Plain files of a batch upload: each becomes an item (processed image + thumbnail) or is refused alone.</summary>
public sealed class BatchUploadReaderTests
{
    [Fact]
    public async Task A_photo_becomes_an_item_with_the_processed_image_and_a_small_jpeg_thumbnail()
    {
        using var photo = PhotoLike(4000, 3000);

        var results = await UploadAsync(Reader(), ("旅行/长城.jpg", Jpeg(photo)));

        var item = Assert.Single(results).Item!;
        Assert.Equal("旅行/长城.jpg", item.FileName);
        Assert.Equal((1152, 864), (item.Image.Width, item.Image.Height)); // the pipeline's pixel budget
        Assert.Equal("image/jpeg", item.Image.MediaType);
        Assert.Equal(ImageFormatKind.Jpeg, ImageSniffer.Detect(item.Thumbnail));
        using var thumbnail = Decode(item.Thumbnail);
        Assert.Equal((160, 120), (thumbnail.Width, thumbnail.Height));
        Assert.True(item.Thumbnail.Length < 20_000, $"thumbnail is {item.Thumbnail.Length} bytes");
    }

    [Fact]
    public async Task A_thumbnail_keeps_the_picture_and_a_small_image_keeps_its_size()
    {
        using var quadrants = Quadrants(640, 320);

        var results = await UploadAsync(Reader(), ("wide.png", Png(quadrants)), ("tiny.png", SolidPng(10, 10, Green)));

        using var wide = Decode(results[0].Item!.Thumbnail);
        Assert.Equal((160, 80), (wide.Width, wide.Height));
        Assert.True(Near(wide.GetPixel(20, 20), Red) && Near(wide.GetPixel(140, 60), Yellow), "quadrants kept in place");
        using var tiny = Decode(results[1].Item!.Thumbnail);
        Assert.Equal((32, 32), (tiny.Width, tiny.Height)); // the pipeline's minimum side, not blown up to 160
    }

    [Fact]
    public async Task Files_are_recognised_by_their_content_not_their_name()
    {
        var results = await UploadAsync(Reader(),
            ("scan.txt", SolidPng(64, 48, Blue)),
            ("cat.jpg", Encoding.UTF8.GetBytes("not a picture, whatever the name says")));

        Assert.Equal(["scan.txt"], ItemNames(results));
        Assert.Equal(ProblemCodes.ImageUnsupportedFormat, RefusedCodes(results)["cat.jpg"]);
    }

    [Fact]
    public async Task Hostile_images_are_refused_alone_with_the_pipeline_codes_and_the_rest_go_on()
    {
        using var photo = PhotoLike(800, 600);
        var jpeg = Jpeg(photo);

        var results = await UploadAsync(Reader(),
            ("first.jpg", jpeg),
            ("bomb.png", PngBomb(100_000, 100_000)),
            ("truncated.jpg", jpeg[..(jpeg.Length / 2)]),
            ("strip.png", SolidPng(4000, 10, Red)),
            ("empty.jpg", []),
            ("last.jpg", jpeg));

        Assert.Equal(["first.jpg", "bomb.png", "truncated.jpg", "strip.png", "empty.jpg", "last.jpg"],
            results.Select(r => r.Item?.FileName ?? r.Refused!.FileName)); // one result per file, in order
        Assert.Equal(["first.jpg", "last.jpg"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string>
        {
            ["bomb.png"] = ProblemCodes.ImageTooManyPixels,
            ["truncated.jpg"] = ProblemCodes.ImageCorrupt,
            ["strip.png"] = ProblemCodes.ImageBadAspectRatio,
            ["empty.jpg"] = ProblemCodes.ImageUnsupportedFormat,
        }, RefusedCodes(results));
        Assert.All(results.Where(r => r.Refused is not null), r => Assert.False(string.IsNullOrWhiteSpace(r.Refused!.Message)));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_image_over_the_byte_limit_is_refused_after_reading_no_more_than_the_limit()
    {
        var reader = Reader(images: new ImagePipelineOptions { MaxBytes = 100_000 });
        var endless = new EndlessJpegStream();

        var results = new List<BatchUploadResult>();
        await foreach (var result in reader.ReadAsync(new BatchUploadFile("endless.jpg", endless), TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        var refused = Assert.Single(results).Refused!;
        Assert.Equal(ProblemCodes.ImageTooLarge, refused.Code);
        Assert.Contains("0.1 MB", refused.Message);
        Assert.InRange(endless.BytesRead, 100_001, 100_001 + 81_920);
    }

    [Fact]
    public async Task An_upload_stops_adding_files_at_its_limit()
    {
        var png = SolidPng(40, 40, Red);

        var results = await UploadAsync(Reader(new BatchUploadOptions { MaxFilesPerUpload = 2 }), ("a.png", png), ("b.png", png), ("c.png", png));

        Assert.Equal(["a.png", "b.png"], ItemNames(results));
        Assert.Equal(ProblemCodes.BatchTooManyFiles, RefusedCodes(results)["c.png"]);
    }

    [Fact]
    public async Task Names_are_kept_readable_and_a_missing_name_is_the_files_position()
    {
        var png = SolidPng(40, 40, Red);

        var results = await UploadAsync(Reader(), (null, png), ("\\photos\\a\u0007.png", png), (new string('长', 300) + ".png", png));

        var names = ItemNames(results);
        Assert.Equal("file-1", names[0]);
        Assert.Equal("photos/a.png", names[1]);
        Assert.Equal(BatchFileNames.MaxLength, names[2].Length);
        Assert.StartsWith("…", names[2]);
        Assert.EndsWith("长.png", names[2]);
    }

    /// <summary>FF D8 FF and then zeros for ever: only a reader with a hard cap finishes.</summary>
    private sealed class EndlessJpegStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Clear();
            for (var i = 0; i < count && BytesRead + i < 3; i++)
            {
                buffer[offset + i] = (byte)(BytesRead + i == 2 ? 0xFF : BytesRead + i == 1 ? 0xD8 : 0xFF);
            }

            BytesRead += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
