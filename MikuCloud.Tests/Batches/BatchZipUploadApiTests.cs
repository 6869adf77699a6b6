using MikuCloud.Tests.Api;
using static MikuCloud.Tests.Batches.BatchUploads;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Batches;

/// <summary>Zips through the real batch endpoint (Kestrel, multipart, the registered reader): entries become items, hostile ones are refused alone.</summary>
public class BatchZipUploadApiTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task A_zip_upload_adds_its_entries_as_items_and_refuses_the_unsafe_ones_with_their_codes()
    {
        var photo = SolidJpeg(120, 90, Blue);
        var zip = Zip(("a.jpg", photo), ("sub/", null), ("../evil.jpg", photo), ("more.zip", Zip(("x.jpg", photo))),
            ("__MACOSX/._a.jpg", [0, 5, 22, 7]), ("sub/b.png", SolidPng(64, 64, Green)));

        var created = await client.CreateBatchAsync("描述图片", [("photos.zip", zip), ("notes.txt", "hello"u8.ToArray()), ("c.jpg", photo)],
            new() { ["start"] = "false" }, Ct);

        Assert.Equal(["photos.zip/a.jpg", "photos.zip/sub/b.png", "c.jpg"], created["added"]!.AsArray().Select(a => a!["fileName"]!.GetValue<string>()));
        Assert.Equal(3, created["batch"]!["total"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["photos.zip/../evil.jpg"] = ProblemCodes.BatchZipUnsafe,
            ["photos.zip/more.zip"] = ProblemCodes.BatchZipNested,
            ["notes.txt"] = ProblemCodes.ImageUnsupportedFormat,
        }, created["refused"]!.AsArray().ToDictionary(r => r!["fileName"]!.GetValue<string>(), r => r!["code"]!.GetValue<string>()));
    }
}
