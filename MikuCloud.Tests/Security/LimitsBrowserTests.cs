using Microsoft.Playwright;
using MikuCloud.Testing;
using MikuCloud.Tests.Images;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>The API's per-user limits (429 + a code) as the chat shows them: a wait that lifts counts down, a quota does not.</summary>
[Collection(SecurityCollection.Name)]
public class LimitsBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    [Fact]
    public async Task An_image_quota_is_explained_without_a_countdown_and_a_token_limit_counts_down()
    {
        var stack = await Fixture.NewStackAsync(apiSettings: new Dictionary<string, string?>
        {
            ["Limits:StoredImages"] = "1",
            ["Limits:TokensPerMinute"] = "1",
        });
        var admin = await stack.SetupAsync("owner", "owner-password-1");
        await stack.CreateUserAsync(admin, "painter", "painter-password-1");
        stack.Ollama.Chat = _ => new FakeChatReply { Chunks = ["好的"] };

        // Two pictures where one is allowed: a quota, so no automatic resend; the message and pictures stay.
        var painter = await SignedInPageAsync("painter", "painter-password-1", stack);
        var jpeg = TestImages.Jpeg(TestImages.Solid(64, 64, TestImages.Green));
        await painter.SetInputFilesAsync("#image-input", new[]
        {
            new FilePayload { Name = "a.jpg", MimeType = "image/jpeg", Buffer = jpeg },
            new FilePayload { Name = "b.jpg", MimeType = "image/jpeg", Buffer = jpeg },
        });
        await Expect(painter.Locator(".attachment.ready")).ToHaveCountAsync(2);
        await painter.FillAsync("#chat-text", "看看这两张");
        await painter.PressAsync("#chat-text", "Enter");
        await Expect(painter.Locator("[data-testid=image-quota]")).ToContainTextAsync("你存储的图片已达上限");
        await Expect(painter.Locator("[data-testid=busy]")).ToHaveCountAsync(0);
        await Expect(painter.Locator("#chat-text")).ToHaveValueAsync("看看这两张");
        await Expect(painter.Locator(".attachment")).ToHaveCountAsync(2);

        // The owner's first answer uses up the minute's tokens: the next message waits, with a countdown.
        var owner = await SignedInPageAsync("owner", "owner-password-1", stack);
        await owner.FillAsync("#chat-text", "你好");
        await owner.PressAsync("#chat-text", "Enter");
        await Expect(owner.Locator("article.message.assistant").Last).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 20_000 });
        await owner.FillAsync("#chat-text", "再说一句");
        await owner.PressAsync("#chat-text", "Enter");
        var waiting = owner.Locator("[data-testid=busy]");
        await Expect(waiting).ToContainTextAsync("token 额度已用完");
        await Expect(waiting).ToContainTextAsync("秒后自动重试");
        await Expect(owner.Locator("#chat-text")).ToHaveValueAsync("再说一句");
    }
}
