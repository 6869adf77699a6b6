using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MikuCloud.Web.Batches;
using MikuCloud.Web.Localization;

namespace MikuCloud.Tests.Web.Batches;

/// <summary>Creating a batch from picked files: one request per file, progress by bytes, failures file by file.</summary>
public sealed class BatchUploadRunTests
{
    private static readonly UiText Text = new(new StringLocalizer<UiText>(new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = UiText.ResourcesPath }), NullLoggerFactory.Instance)));

    private readonly FakeMikuBatchApi api = new();

    private static BatchFileSource File(string name, int bytes) => new(name, bytes, _ => new MemoryStream(new byte[bytes]));

    private static BatchDraft Draft() => new() { Prompt = "描述", PresetId = "vision" };

    [Fact]
    public async Task Progress_grows_with_the_bytes_the_api_reads_never_goes_back_and_ends_full()
    {
        var run = new BatchUploadRun(api, Text);
        var seen = new List<(int Overall, int File)>();
        api.ChunkRead = () => seen.Add((run.Percent, run.Files.Single(f => f.Status == FileUploadStatus.Sending).Percent));

        var id = await run.RunAsync(Draft(), [File("a.jpg", 300_000), File("b.jpg", 100_000)], TestContext.Current.CancellationToken);

        Assert.NotNull(id);
        Assert.Equal(seen.Select(s => s.Overall).Order(), seen.Select(s => s.Overall));
        Assert.Equal(26, seen.Count); // 16 KB reads: 19 + 7
        Assert.Equal((75, 100), seen[18]); // a.jpg read whole: three quarters of the bytes
        Assert.Equal(100, run.Percent);
        Assert.All(run.Files, f => Assert.Equal((FileUploadStatus.Added, 100, 1), (f.Status, f.Percent, f.Added)));
        Assert.False(run.Running);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_not_sent_and_the_others_still_are()
    {
        var run = new BatchUploadRun(api, Text);
        var huge = new BatchFileSource("huge.zip", BatchUploadRun.MaxFileBytes + 1, _ => throw new InvalidOperationException("must not be opened"));

        var id = await run.RunAsync(Draft(), [huge, File("a.jpg", 1000)], TestContext.Current.CancellationToken);

        Assert.NotNull(id);
        Assert.Equal(["create", "add a.jpg", "start"], api.Calls);
        Assert.Equal(FileUploadStatus.Failed, run.Files[0].Status);
        Assert.Contains("512 MB", run.Files[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_the_browser_cannot_read_fails_alone()
    {
        var run = new BatchUploadRun(api, Text);
        var broken = new BatchFileSource("gone.jpg", 10, _ => throw new IOException("file was removed"));

        var id = await run.RunAsync(Draft(), [broken, File("a.jpg", 1000)], TestContext.Current.CancellationToken);

        Assert.NotNull(id);
        Assert.Equal((FileUploadStatus.Failed, "浏览器无法读取这个文件。"), (run.Files[0].Status, run.Files[0].Error));
        Assert.Equal(FileUploadStatus.Added, run.Files[1].Status);
    }
}
