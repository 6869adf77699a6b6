using System.IO.Compression;
using System.Text;
using MikuCloud.Api.Batches;
using static MikuCloud.Tests.Batches.BatchUploads;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Batches;

/// <summary>
/// Zip files in a batch upload: each entry becomes an item named <c>archive.zip/inner/path</c>; unsafe, nested and
/// oversized entries (and zip bombs) are refused alone, and the good entries around them still come through.
/// </summary>
public sealed class BatchZipIntakeTests
{
    private static readonly byte[] Photo = SolidJpeg(120, 90, Blue);
    private static readonly byte[] Graphic = SolidPng(90, 120, Green);

    // Small limits so that the hostile entries stay small too.
    private static readonly BatchUploadOptions Limits = new() { MaxEntryBytes = 4 * 1024 * 1024 };

    [Fact]
    public async Task A_zip_of_three_images_gives_three_items_named_after_the_archive()
    {
        var zip = Zip(("a.jpg", Photo), ("sub/b.png", Graphic), ("sub/深圳/c.jpg", Photo));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/sub/b.png", "photos.zip/sub/深圳/c.jpg"], ItemNames(results));
        Assert.Empty(RefusedCodes(results));
        Assert.Equal((96, 128), (results[1].Item!.Image.Width, results[1].Item!.Image.Height)); // through the pipeline
        Assert.All(results, r => Assert.NotEmpty(r.Item!.Thumbnail));
    }

    [Fact]
    public async Task A_zip_is_recognised_by_its_content_whatever_its_name()
    {
        var results = await UploadAsync(Reader(), ("export.dat", Zip(("a.jpg", Photo))), ("b.zip", Photo));

        Assert.Equal(["export.dat/a.jpg", "b.zip"], ItemNames(results));
    }

    [Fact]
    public async Task Directories_hidden_files_and_operating_system_litter_are_skipped_silently()
    {
        var zip = Zip(("sub/", null), ("sub/a.jpg", Photo), (".DS_Store", [0, 0, 0, 1]), ("__MACOSX/sub/._a.jpg", [0, 5, 22, 7]),
            ("sub/.hidden.jpg", Photo), (".git/config", [1]), ("sub/Thumbs.db", [1, 2]), ("desktop.ini", [1]));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/sub/a.jpg"], ItemNames(results));
        Assert.Empty(RefusedCodes(results));
    }

    [Theory]
    [InlineData("../evil.jpg")]
    [InlineData("sub/../../evil.jpg")]
    [InlineData("/etc/evil.jpg")]
    [InlineData("C:/Windows/evil.jpg")]
    [InlineData("c:evil.jpg")]
    [InlineData("..\\evil.jpg")]
    [InlineData("sub\\..\\..\\evil.jpg")]
    [InlineData("\\\\server\\share\\evil.jpg")]
    [InlineData("sub/evil\u0000.jpg")]
    public async Task An_entry_whose_path_leads_out_of_the_archive_is_refused_alone(string path)
    {
        var zip = Zip(("a.jpg", Photo), (path, Photo), ("z.png", Graphic));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        var refused = Assert.Single(results, r => r.Refused is not null).Refused!;
        Assert.Equal(ProblemCodes.BatchZipUnsafe, refused.Code);
        Assert.StartsWith("photos.zip/", refused.FileName);
    }

    [Fact]
    public async Task A_symbolic_link_entry_is_refused_alone()
    {
        var zip = ZipWithSymlink("link.jpg", "/etc/passwd", ("a.jpg", Photo));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg"], ItemNames(results));
        Assert.Equal(ProblemCodes.BatchZipUnsafe, RefusedCodes(results)["photos.zip/link.jpg"]);
    }

    [Fact]
    public async Task A_zip_inside_the_zip_is_refused_not_opened()
    {
        var zip = Zip(("a.jpg", Photo), ("more.zip", Zip(("inner.jpg", Photo))), ("z.png", Graphic));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        Assert.Equal(ProblemCodes.BatchZipNested, RefusedCodes(results)["photos.zip/more.zip"]);
    }

    [Fact]
    public async Task Entries_that_are_not_images_or_are_hostile_images_are_refused_with_the_pipeline_codes()
    {
        var zip = Zip(("a.jpg", Photo), ("notes.txt", Encoding.UTF8.GetBytes("你好, world")), ("bomb.png", PngBomb(60_000, 60_000)),
            ("half.jpg", Photo[..(Photo.Length / 2)]), ("z.png", Graphic));

        var results = await UploadAsync(Reader(), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string>
        {
            ["photos.zip/notes.txt"] = ProblemCodes.ImageUnsupportedFormat,
            ["photos.zip/bomb.png"] = ProblemCodes.ImageTooManyPixels,
            ["photos.zip/half.jpg"] = ProblemCodes.ImageCorrupt,
        }, RefusedCodes(results));
    }

    [Fact]
    public async Task An_entry_that_expands_far_beyond_its_compressed_size_is_refused_as_a_bomb()
    {
        // 3 MiB of zeros deflate to a few KB: under the 4 MiB entry limit, but about a thousand times its compressed size.
        var zip = Zip(CompressionLevel.SmallestSize, ("a.jpg", Photo), ("zeros.jpg", [0xFF, 0xD8, 0xFF, .. new byte[3 * 1024 * 1024]]), ("z.png", Graphic));

        var results = await UploadAsync(Reader(Limits), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        var refused = results.Single(r => r.Refused is not null).Refused!;
        Assert.Equal((ProblemCodes.BatchZipTooLarge, "photos.zip/zeros.jpg"), (refused.Code, refused.FileName));
        Assert.Contains("times its compressed size", refused.Message);
    }

    [Fact]
    public async Task An_entry_larger_than_the_entry_limit_is_refused()
    {
        var zip = Zip(CompressionLevel.NoCompression, ("a.jpg", Photo), ("big.jpg", RandomBytes(5 * 1024 * 1024, 1)), ("z.png", Graphic));

        var results = await UploadAsync(Reader(Limits), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        Assert.Equal(ProblemCodes.BatchZipTooLarge, RefusedCodes(results)["photos.zip/big.jpg"]);
    }

    [Fact]
    public async Task An_entry_that_declares_a_small_size_but_holds_more_is_refused_at_the_limit()
    {
        var zip = DeclareSize(Zip(CompressionLevel.NoCompression, ("a.jpg", Photo), ("liar.jpg", RandomBytes(5 * 1024 * 1024, 2)), ("z.png", Graphic)),
            "liar.jpg", 1000);

        var results = await UploadAsync(Reader(Limits), ("photos.zip", zip));

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/z.png"], ItemNames(results));
        Assert.Equal(ProblemCodes.BatchZipTooLarge, RefusedCodes(results)["photos.zip/liar.jpg"]);
    }

    [Fact]
    public async Task A_zip_that_lists_too_many_entries_is_refused_before_any_is_read_and_the_next_file_goes_on()
    {
        var zip = Zip(Enumerable.Range(0, 6).Select(i => ($"{i}.jpg", (byte[]?)Photo)).ToArray());

        var results = await UploadAsync(Reader(new BatchUploadOptions { MaxArchiveEntries = 5 }), ("many.zip", zip), ("after.png", Graphic));

        Assert.Equal(["after.png"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string> { ["many.zip"] = ProblemCodes.BatchZipTooLarge }, RefusedCodes(results));
    }

    [Fact]
    public async Task A_zip_that_expands_past_the_total_limit_stops_at_the_entry_that_crosses_it()
    {
        var entries = Enumerable.Range(0, 5).Select(i => ($"{i}.jpg", (byte[]?)Photo)).ToArray();
        var limits = new BatchUploadOptions { MaxEntryBytes = Photo.Length, MaxTotalUncompressedBytes = Photo.Length * 2 + Photo.Length / 2 };

        var results = await UploadAsync(Reader(limits), ("photos.zip", Zip(entries)), ("after.png", Graphic));

        Assert.Equal(["photos.zip/0.jpg", "photos.zip/1.jpg", "after.png"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string> { ["photos.zip/2.jpg"] = ProblemCodes.BatchZipTooLarge }, RefusedCodes(results));
    }

    [Fact]
    public async Task A_zip_file_over_the_archive_limit_is_refused_whole()
    {
        var zip = Zip(CompressionLevel.NoCompression, ("a.jpg", Photo), ("noise.bin", RandomBytes(200_000, 3)));

        var results = await UploadAsync(Reader(new BatchUploadOptions { MaxArchiveBytes = 100_000 }), ("photos.zip", zip), ("after.png", Graphic));

        Assert.Equal(["after.png"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string> { ["photos.zip"] = ProblemCodes.BatchZipTooLarge }, RefusedCodes(results));
    }

    [Fact]
    public async Task A_damaged_zip_is_refused_and_the_next_file_goes_on()
    {
        var zip = Zip(("a.jpg", Photo), ("b.jpg", Photo));

        var results = await UploadAsync(Reader(), ("cut.zip", zip[..(zip.Length - 30)]), ("junk.zip", [.. "PK\x03\x04"u8, .. RandomBytes(500, 4)]),
            ("after.png", Graphic));

        Assert.Equal(["after.png"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string> { ["cut.zip"] = ProblemCodes.BatchZipCorrupt, ["junk.zip"] = ProblemCodes.BatchZipCorrupt },
            RefusedCodes(results));
    }

    [Fact]
    public async Task Zip_entries_count_toward_the_uploads_file_limit()
    {
        var zip = Zip(Enumerable.Range(0, 5).Select(i => ($"{i}.jpg", (byte[]?)Photo)).ToArray());

        var results = await UploadAsync(Reader(new BatchUploadOptions { MaxFilesPerUpload = 3 }), ("photos.zip", zip), ("after.png", Graphic));

        Assert.Equal(["photos.zip/0.jpg", "photos.zip/1.jpg", "photos.zip/2.jpg"], ItemNames(results));
        Assert.Equal(new Dictionary<string, string>
        {
            ["photos.zip/3.jpg"] = ProblemCodes.BatchTooManyFiles,
            ["after.png"] = ProblemCodes.BatchTooManyFiles,
        }, RefusedCodes(results));
    }
}
