using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Web.Api;
using BatchesPage = MikuCloud.Web.Components.Pages.Batches;

namespace MikuCloud.Tests.Web.Batches;

/// <summary>
/// Choosing the files of a new batch: each pick or folder adds to the list (the same file twice is one), one file can be
/// taken out and all cleared, and a folder without images or an empty zip is said in words, not left silent.
/// </summary>
public sealed class BatchFilePickerTests : WebComponentTest
{
    private readonly FakeMikuBatchApi batches = new();

    public BatchFilePickerTests()
    {
        Services.AddSingleton<IMikuBatchApi>(batches);
        Api.Presets = Presets;
    }

    private static InputFileContent File(string name, int size, byte value = 1) => InputFileContent.CreateFromBinary(Enumerable.Repeat(value, size).ToArray(), name);

    [Fact]
    public void A_second_pick_adds_to_the_first_skipping_a_file_already_chosen_and_every_file_is_sent()
    {
        var page = Render<BatchesPage>();

        Pick(page, "batch-files", File("a.jpg", 100), File("b.jpg", 200));
        Pick(page, "batch-files", File("b.jpg", 200), File("c.jpg", 300), File("b.jpg", 250));

        Assert.Equal(["a.jpg", "b.jpg", "c.jpg", "b.jpg"], Chosen(page));
        Assert.Contains("已选择 4 个文件", page.Find("[data-testid=batch-picked]").TextContent, StringComparison.Ordinal);
        Assert.Equal("跳过了 1 个已经选择的文件。", page.Find("[data-testid=batch-pick-notice]").TextContent);
        Submit(page);
        page.WaitForAssertion(() => Assert.Equal(["create", "add a.jpg", "add b.jpg", "add c.jpg", "add b.jpg", "start"], batches.Calls));
        Assert.Equal(250, batches.Received["b.jpg"].Length); // the later, different b.jpg was read from its own pick
    }

    [Fact]
    public void One_file_can_be_taken_out_and_clearing_empties_the_list()
    {
        var page = Render<BatchesPage>();
        Pick(page, "batch-files", File("a.jpg", 100), File("b.jpg", 200), File("c.jpg", 300));

        page.Find("li[data-chosen='b.jpg'] .remove").Click();
        Assert.Equal(["a.jpg", "c.jpg"], Chosen(page));
        Pick(page, "batch-files", File("b.jpg", 200)); // taken out, so welcome again
        Assert.Equal(["a.jpg", "c.jpg", "b.jpg"], Chosen(page));

        page.Find("[data-testid=batch-clear]").Click();
        Assert.Empty(Chosen(page));
        Assert.Empty(page.FindAll("[data-testid=batch-picked]"));
        page.Find("#batch-prompt").Change("描述");
        page.Find("form").Submit();
        Assert.Contains("请先选择要处理的图片", page.Find(".drop + .field-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(batches.Calls);
    }

    [Fact]
    public void A_folder_keeps_its_paths_and_only_its_images_and_a_folder_without_images_says_so()
    {
        // The module tells each file's path inside the picked folder (the browser's webkitRelativePath).
        var paths = JSInterop.SetupModule("./Components/Batches/BatchFilePicker.razor.js").Setup<string?[]?>("pickedPaths", _ => true);
        paths.SetResult(["photos/a.jpg", "photos/sub/b.PNG", "photos/readme.md", "photos/.DS_Store.jpg"]);
        var page = Render<BatchesPage>();

        Pick(page, "batch-folder", File("a.jpg", 100), File("b.PNG", 200), File("readme.md", 10), File(".DS_Store.jpg", 10));

        Assert.Equal(["photos/a.jpg", "photos/sub/b.PNG"], Chosen(page));
        Assert.Equal("跳过了 2 个不是图片或 zip 的文件。", page.Find("[data-testid=batch-pick-notice]").TextContent);

        paths.SetResult(["notes/todo.txt"]);
        Pick(page, "batch-folder", File("todo.txt", 10));
        Assert.Equal("所选内容里没有图片：只接受 JPEG、PNG、WebP、GIF 图片和 zip 文件。", page.Find("[data-testid=batch-pick-notice]").TextContent);
        Assert.Equal(["photos/a.jpg", "photos/sub/b.PNG"], Chosen(page));

        Submit(page);
        page.WaitForAssertion(() => Assert.Equal(["create", "add photos/a.jpg", "add photos/sub/b.PNG", "start"], batches.Calls));
    }

    [Fact]
    public void An_empty_zip_is_explained_on_its_row_and_in_english_too()
    {
        batches.NothingIn.Add("empty.zip");
        var page = Render<BatchesPage>();
        Pick(page, "batch-files", File("empty.zip", 22), File("a.jpg", 100));

        Submit(page);

        page.WaitForAssertion(() => Assert.Equal("这个 zip 文件里没有图片（JPEG、PNG、WebP 或 GIF）。", page.Find("li[data-file='empty.zip'] .why").TextContent));
        Assert.Equal("refused", page.Find("li[data-file='empty.zip']").GetAttribute("data-status"));

        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en");
        var english = Render<BatchesPage>();
        Pick(english, "batch-files", File("empty.zip", 22));
        Submit(english);
        english.WaitForAssertion(() => Assert.Equal("This zip file holds no images (JPEG, PNG, WebP or GIF).", english.Find("li[data-file='empty.zip'] .why").TextContent));
    }

    /// <summary>Picks files on the input the user sees now (the zone's, or the folder button's).</summary>
    private static void Pick(IRenderedComponent<BatchesPage> page, string id, params InputFileContent[] files) =>
        page.FindComponents<InputFile>().Single(i => i.Instance.AdditionalAttributes is { } a && a.TryGetValue("id", out var v) && Equals(v, id)).UploadFiles(files);

    private static List<string> Chosen(IRenderedComponent<BatchesPage> page) =>
        page.FindAll("ul.chosen li").Select(li => li.GetAttribute("data-chosen")!).ToList();

    private static void Submit(IRenderedComponent<BatchesPage> page)
    {
        page.Find("#batch-prompt").Change("描述");
        page.Find("form").Submit();
    }
}
