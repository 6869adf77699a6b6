using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static MikuCloud.Tests.Images.TestImages;

namespace MikuCloud.Tests.Browser;

/// <summary>The Batches page in Chromium: files picked, uploaded through the Web to the API, answered by the worker, downloaded.</summary>
[Collection(BrowserCollection.Name)]
public class BatchesBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_batch_of_images_uploads_runs_to_completion_and_downloads_as_json_lines()
    {
        var page = await OpenAsync("/");
        await page.GetByTestId("batches-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/batches$"));
        await page.WaitForSelectorAsync("html[data-interactive]");

        await page.SetInputFilesAsync("#batch-files", new[]
        {
            new FilePayload { Name = "red.png", MimeType = "image/png", Buffer = SolidPng(120, 90, Red) },
            new FilePayload { Name = "blue.jpg", MimeType = "image/jpeg", Buffer = SolidJpeg(90, 120, Blue) },
            new FilePayload { Name = "photos.zip", MimeType = "application/zip", Buffer = Zip(("a.jpg", SolidJpeg(64, 64, Green)), ("sub/b.png", SolidPng(64, 64, Yellow))) },
        });
        await Expect(page.GetByTestId("batch-picked")).ToContainTextAsync("已选择 3 个文件");
        await page.FillAsync("#batch-prompt", "详细描述图片中的物体");
        await page.GetByTestId("batch-create").ClickAsync();

        await Expect(page).ToHaveURLAsync(BatchUrl(), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("batch-status")).ToHaveTextAsync("已完成", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("batch-progress")).ToHaveAttributeAsync("data-done", "4");
        await Expect(page.Locator("tr[data-status=completed]")).ToHaveCountAsync(4);
        await Expect(page.Locator("tr[data-status=completed] img").First).ToHaveJSPropertyAsync("naturalWidth", 128); // red.png 120x90 → 128x96 processed, small enough to keep its size
        await ScreenshotAsync(page, "batches-desktop-light");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-jsonl").ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!, Ct)).Where(l => l.Length > 0).ToList();
        Assert.EndsWith(".jsonl", download.SuggestedFilename, StringComparison.Ordinal);
        var records = lines.Select(l => JsonSerializer.Deserialize<BatchResultRecord>(l, ApiJson.Options)!).ToList();
        Assert.Equal(["red.png", "blue.jpg", "photos.zip/a.jpg", "photos.zip/sub/b.png"], records.OrderBy(r => r.Index).Select(r => r.File));
        Assert.All(records, r => Assert.Equal((BatchItemStatus.Completed, true), (r.Status, r.Answer is { Length: > 0 })));

        // The same batch on a phone, in the dark.
        var (context, phone) = await Fixture.NewPageAsync("zh-CN", 390, 844, ColorScheme.Dark);
        await using var _ = context;
        await phone.GotoAsync(new Uri(page.Url).AbsolutePath); // prerendered with its results: no need to wait for the circuit
        await Expect(phone.GetByTestId("batch-status")).ToHaveTextAsync("已完成");
        await Expect(phone.Locator("tr[data-status=completed]")).ToHaveCountAsync(4);
        await ScreenshotAsync(phone, "batches-phone-dark");
    }

    [Fact]
    public async Task Files_from_two_picks_and_a_folder_all_become_items_named_by_their_path_in_the_folder()
    {
        var folder = Directory.CreateTempSubdirectory("miku-batch-folder-");
        try
        {
            var photos = Directory.CreateDirectory(Path.Combine(folder.FullName, "photos"));
            await File.WriteAllBytesAsync(Path.Combine(photos.FullName, "a.png"), SolidPng(64, 48, Green), Ct);
            Directory.CreateDirectory(Path.Combine(photos.FullName, "sub"));
            await File.WriteAllBytesAsync(Path.Combine(photos.FullName, "sub", "b.jpg"), SolidJpeg(48, 64, Yellow), Ct);
            await File.WriteAllTextAsync(Path.Combine(photos.FullName, "notes.txt"), "not an image", Ct);
            var page = await OpenAsync("/"); // interactive once the chat is; the Batches page is one click on, in the same circuit
            await page.GetByTestId("batches-link").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/batches$"));

            await page.SetInputFilesAsync("#batch-files", new[] { new FilePayload { Name = "red.png", MimeType = "image/png", Buffer = SolidPng(120, 90, Red) } });
            await Expect(page.GetByTestId("batch-picked")).ToContainTextAsync("已选择 1 个文件");
            await page.SetInputFilesAsync("#batch-files", new[]
            {
                new FilePayload { Name = "blue.jpg", MimeType = "image/jpeg", Buffer = SolidJpeg(90, 120, Blue) },
                new FilePayload { Name = "red.png", MimeType = "image/png", Buffer = SolidPng(120, 90, Red) }, // the same file again
            });
            await Expect(page.GetByTestId("batch-pick-notice")).ToHaveTextAsync("跳过了 1 个已经选择的文件。");
            await page.SetInputFilesAsync("#batch-folder", photos.FullName);
            await Expect(page.GetByTestId("batch-pick-notice")).ToHaveTextAsync("跳过了 1 个不是图片或 zip 的文件。");
            await Expect(page.GetByTestId("batch-picked")).ToContainTextAsync("已选择 4 个文件");
            await Expect(page.Locator("ul.chosen li")).ToHaveCountAsync(4);
            await page.FillAsync("#batch-prompt", "详细描述图片中的物体");
            await page.GetByTestId("batch-create").ClickAsync();

            await Expect(page).ToHaveURLAsync(BatchUrl(), new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("batch-status")).ToHaveTextAsync("已完成", new() { Timeout = 60_000 });
            await Expect(page.Locator("tr[data-status=completed]")).ToHaveCountAsync(4);
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-jsonl").ClickAsync());
            var records = (await File.ReadAllLinesAsync((await download.PathAsync())!, Ct)).Where(l => l.Length > 0)
                .Select(l => JsonSerializer.Deserialize<BatchResultRecord>(l, ApiJson.Options)!).ToList();
            Assert.Equal(["blue.jpg", "photos/a.png", "photos/sub/b.jpg", "red.png"], records.Select(r => r.File).Order(StringComparer.Ordinal));
            Assert.All(records, r => Assert.Equal(BatchItemStatus.Completed, r.Status)); // the first pick's file was still readable after the second
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Regex BatchUrl() => new("/batches/[0-9a-f-]{36}$");

    private static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(data);
            }
        }

        return buffer.ToArray();
    }
}
