using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The composer's .NET side: attachment bookkeeping and limits (the browser side — picker, drop, paste, shrink,
/// upload — reports through the same JSInvokable methods these tests call, and is covered end to end in Chromium).
/// </summary>
public class ChatComposerTests : WebComponentTest
{
    [Fact]
    public void Limits_are_explained_before_anything_is_uploaded()
    {
        var cut = Render<ChatComposer>();

        var limits = cut.Find("#input-limits").TextContent;
        Assert.Contains("JPEG、PNG、WebP、GIF", limits);
        Assert.Contains("20 MB", limits);
        Assert.Contains("最多 8 张", limits);
        Assert.Equal("input-limits", cut.Find("textarea").GetAttribute("aria-describedby"));
        Assert.Equal("image/jpeg,image/png,image/webp,image/gif", cut.Find("input[type=file]").GetAttribute("accept"));
    }

    [Fact]
    public async Task At_most_eight_images_per_message()
    {
        var cut = Render<ChatComposer>();

        for (var i = 0; i < 8; i++)
        {
            var n = i;
            Assert.True(await cut.InvokeAsync(() => cut.Instance.BeginAttachment($"c{n}", $"p{n}.jpg", $"blob:{n}", 1000)));
        }

        Assert.False(await cut.InvokeAsync(() => cut.Instance.BeginAttachment("c9", "p9.jpg", "blob:9", 1000)));
        Assert.Equal("每条消息最多 8 张图片。", cut.Find(".input-error").TextContent);
        Assert.Equal(8, cut.FindAll(".attachment").Count);
        Assert.True(cut.Find("button.attach").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Sending_waits_for_uploads_then_hands_over_text_and_images()
    {
        ChatSubmission? sent = null;
        var cut = Render<ChatComposer>(p => p.Add(x => x.OnSend, (ChatSubmission s) => sent = s));
        var uploadId = Guid.NewGuid();

        await cut.InvokeAsync(() => cut.Instance.BeginAttachment("a", "cat.jpg", "blob:a", 3_000_000));
        Assert.Single(cut.FindAll(".attachment.uploading"));
        Assert.True(cut.Find("button.send").HasAttribute("disabled"));

        await cut.InvokeAsync(() => cut.Instance.AttachmentUploaded("a", uploadId, "image/jpeg", 400_000, 2048, 1536, true, 4032, 3024));
        Assert.Single(cut.FindAll(".attachment.ready"));
        Assert.Contains("已从 4032×3024 缩小到 2048×1536", cut.Find(".attachment").GetAttribute("title"));
        cut.Find("textarea").Input("这张图片里有什么？");
        Assert.False(cut.Find("button.send").HasAttribute("disabled"));

        await cut.Find("form").SubmitAsync();

        Assert.NotNull(sent);
        Assert.Equal("这张图片里有什么？", sent.Text);
        Assert.Equal(uploadId, Assert.Single(sent.Attachments).UploadId);
        Assert.Empty(cut.FindAll(".attachment"));
        Assert.Equal("", cut.Find("textarea").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task Nothing_is_lost_when_a_send_is_handed_back()
    {
        var cut = Render<ChatComposer>(p => p.Add(x => x.OnSend, (ChatSubmission _) => { }));
        await cut.InvokeAsync(() => cut.Instance.BeginAttachment("a", "cat.jpg", "blob:a", 1000));
        await cut.InvokeAsync(() => cut.Instance.AttachmentUploaded("a", Guid.NewGuid(), "image/jpeg", 1000, 10, 10, false, 10, 10));
        cut.Find("textarea").Input("很长的一段话");
        var submission = new ChatSubmission("很长的一段话", cut.Instance.Attachments.ToList());
        await cut.Find("form").SubmitAsync();
        Assert.Empty(cut.Instance.Attachments);

        await cut.InvokeAsync(() => cut.Instance.RestoreAsync(submission));

        Assert.Equal("很长的一段话", cut.Instance.Text);
        Assert.Single(cut.FindAll(".attachment.ready"));
    }

    [Theory]
    [InlineData("too_large", "“big.jpg”太大了（每张最多 20 MB）。")]
    [InlineData("unsupported", "“big.jpg”不是支持的图片格式（JPEG、PNG、WebP、GIF）。")]
    [InlineData("decode", "“big.jpg”无法读取，文件可能已损坏。")]
    [InlineData("upload_failed", "“big.jpg”上传失败，请重试。")]
    public async Task Failed_attachments_are_removed_and_explained(string code, string message)
    {
        var cut = Render<ChatComposer>();
        await cut.InvokeAsync(() => cut.Instance.BeginAttachment("a", "big.jpg", "blob:a", 30_000_000));

        await cut.InvokeAsync(() => cut.Instance.AttachmentFailed("a", code));

        Assert.Empty(cut.FindAll(".attachment"));
        Assert.Equal(message, cut.Find(".input-error").TextContent);
    }

    [Fact]
    public async Task Removing_an_uploaded_image_frees_it_on_the_server()
    {
        SignIn("u1");
        var store = Services.GetRequiredService<UploadStore>();
        var (_, upload) = await store.SaveAsync(new MemoryStream([0xFF, 0xD8, 0xFF, 0, 0, 0]), null, "u1", Xunit.TestContext.Current.CancellationToken);
        var cut = Render<ChatComposer>();
        await cut.InvokeAsync(() => cut.Instance.BeginAttachment("a", "cat.jpg", "blob:a", 6));
        await cut.InvokeAsync(() => cut.Instance.AttachmentUploaded("a", upload!.Id, "image/jpeg", 6, 1, 1, false, 1, 1));

        cut.Find(".attachment .remove").Click();

        Assert.Empty(cut.FindAll(".attachment"));
        Assert.Null(store.Find(upload!.Id, "u1"));
    }

    [Fact]
    public void While_answering_the_send_button_becomes_stop()
    {
        var stopped = false;
        var cut = Render<ChatComposer>(p => p.Add(x => x.Busy, true).Add(x => x.OnStop, () => stopped = true));

        cut.Find("button.stop").Click();

        Assert.True(stopped);
        Assert.Equal("停止生成", cut.Find("button.stop").GetAttribute("aria-label"));
    }

    [Fact]
    public void Keyboard_and_browser_parts_are_attached_on_first_render()
    {
        Render<ChatComposer>(p => p.Add(x => x.DraftKey, "abc"));

        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "miku.attachInput" && (string)i.Arguments[2]! == "abc");
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "miku.attachImageInput");
    }
}
