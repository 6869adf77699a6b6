using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Tests.Web;

public sealed class UploadStoreTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "miku-upload-test-" + Guid.NewGuid().ToString("N"));
    private readonly UploadStore store;

    public UploadStoreTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Uploads:Path"] = folder }).Build();
        store = new UploadStore(Options.Create(new ImageLimits { MaxBytes = 1024 }), config, NullLogger<UploadStore>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1 }, "image/gif")]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, "image/webp")]
    public async Task Saves_images_recognised_by_content(byte[] head, string mediaType)
    {
        var (result, upload) = await store.SaveAsync(new MemoryStream([.. head, .. new byte[100]]), null, "alice", Ct);

        Assert.Equal(UploadStore.SaveResult.Saved, result);
        Assert.Equal(mediaType, upload!.MediaType);
        Assert.Same(upload, store.Find(upload.Id, "alice"));
        await using (var read = store.OpenRead(upload))
        {
            Assert.Equal(head.Length + 100, read.Length);
        }

        store.Delete(upload.Id, "alice");
        Assert.Null(store.Find(upload.Id, "alice"));
        Assert.False(File.Exists(upload.Path));
    }

    [Fact]
    public async Task An_upload_belongs_to_its_owner_and_is_unknown_to_everyone_else()
    {
        var (_, upload) = await store.SaveAsync(new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. new byte[100]]), null, "alice", Ct);

        Assert.Null(store.Find(upload!.Id, "bob"));
        Assert.Null(store.Find(upload.Id, null));
        store.Delete(upload.Id, "bob"); // someone else's delete is a no-op
        Assert.Same(upload, store.Find(upload.Id, "alice"));
        Assert.True(File.Exists(upload.Path));
    }

    [Fact]
    public async Task Rejects_non_images_whatever_they_claim_and_leaves_no_file()
    {
        var (result, upload) = await store.SaveAsync(new MemoryStream("<svg onload=alert(1)>"u8.ToArray()), null, "alice", Ct);

        Assert.Equal(UploadStore.SaveResult.Unsupported, result);
        Assert.Null(upload);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Rejects_too_large_by_declared_length_and_by_actual_bytes()
    {
        Assert.Equal(UploadStore.SaveResult.TooLarge, (await store.SaveAsync(new MemoryStream(new byte[10]), 5000, "alice", Ct)).Result);

        byte[] big = [0xFF, 0xD8, 0xFF, .. new byte[2000]];
        Assert.Equal(UploadStore.SaveResult.TooLarge, (await store.SaveAsync(new MemoryStream(big), null, "alice", Ct)).Result);
        Assert.Empty(Directory.GetFiles(folder));
    }

    public void Dispose() => store.Dispose();
}
