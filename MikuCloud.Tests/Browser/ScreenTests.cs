using Microsoft.Playwright;
using MikuCloud.Testing;
using MikuCloud.Tests.Images;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// The main screens on desktop and phone, light and dark: layout checks plus screenshots (test outputs; a few are
/// copied to docs/screenshots for the README).
/// </summary>
[Collection(BrowserCollection.Name)]
public class ScreenTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const int PhoneWidth = 390, PhoneHeight = 844;

    [Fact]
    public async Task Main_screens_on_desktop_and_phone_in_light_and_dark()
    {
        var conversation = await CreateShowcaseConversationAsync();

        // Export goes through the Web too (the browser never talks to the API).
        var probe = await OpenAsync(conversation);
        var markdown = await probe.APIRequest.GetAsync("export/" + conversation.Split('/')[^1] + "?format=md");
        Assert.Equal(200, markdown.Status);
        Assert.Contains("找出图中的方块", await markdown.TextAsync());
        Assert.Contains("attachment", markdown.Headers["content-disposition"]);

        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var name = scheme == ColorScheme.Light ? "light" : "dark";

            var desktop = await OpenAsync("/", colorScheme: scheme);
            await ScreenshotAsync(desktop, $"empty-desktop-{name}");
            await GotoAsync(desktop, conversation);
            await WaitForAnswerAsync(desktop);
            await ScreenshotAsync(desktop, $"chat-desktop-{name}");
            await desktop.GetByRole(AriaRole.Button, new() { Name = "参数设置" }).ClickAsync();
            await Expect(desktop.Locator(".parameter-panel")).ToBeVisibleAsync();
            await ScreenshotAsync(desktop, $"parameters-desktop-{name}");

            var phone = await OpenAsync("/", width: PhoneWidth, height: PhoneHeight, colorScheme: scheme);
            await AssertFitsTheScreenAsync(phone);
            await Expect(phone.Locator("nav.sidebar")).Not.ToBeInViewportAsync();
            await ScreenshotAsync(phone, $"empty-phone-{name}");
            await GotoAsync(phone, conversation);
            await WaitForAnswerAsync(phone);
            await AssertFitsTheScreenAsync(phone);
            await Expect(phone.Locator("#chat-text")).ToBeInViewportAsync();
            await ScreenshotAsync(phone, $"chat-phone-{name}");
            await phone.GetByRole(AriaRole.Button, new() { Name = "显示或隐藏对话列表" }).ClickAsync();
            await Expect(phone.Locator("nav.sidebar")).ToBeInViewportAsync();
            await ScreenshotAsync(phone, $"sidebar-phone-{name}");
            await phone.Locator(".scrim").ClickAsync(new() { Position = new() { X = PhoneWidth - 20, Y = 300 } });
            await Expect(phone.Locator("nav.sidebar")).Not.ToBeInViewportAsync();
            await phone.GetByRole(AriaRole.Button, new() { Name = "选择生成预设" }).ClickAsync();
            await Expect(phone.Locator("#preset-menu")).ToBeVisibleAsync();
            await ScreenshotAsync(phone, $"presets-phone-{name}");
        }
    }

    [Fact]
    public async Task The_theme_switch_overrides_the_system_and_is_remembered()
    {
        var page = await OpenAsync(colorScheme: ColorScheme.Dark);
        var background = "() => getComputedStyle(document.body).backgroundColor";
        var dark = await page.EvaluateAsync<string>(background);

        var toggle = page.Locator("button.theme");
        await toggle.ClickAsync(); // system → light
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        Assert.NotEqual(dark, await page.EvaluateAsync<string>(background));

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Expect(toggle).ToHaveAttributeAsync("aria-label", "切换浅色/深色主题 (浅色)");

        await toggle.ClickAsync(); // light → dark
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await toggle.ClickAsync(); // dark → system
        await Expect(page.Locator("html")).Not.ToHaveAttributeAsync("data-theme", new System.Text.RegularExpressions.Regex("."));
        Assert.Equal(dark, await page.EvaluateAsync<string>(background));
    }

    [Fact]
    public async Task Keyboard_users_reach_the_input_first_and_every_control_has_a_name()
    {
        var page = await OpenAsync();

        // The caret starts in the message box, which stays in the tab order.
        await Expect(page.Locator("#chat-text")).ToBeFocusedAsync();
        await Expect(page.Locator("#chat-text")).Not.ToHaveAttributeAsync("tabindex", "-1");
        var unnamed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, a[href], input:not([type=hidden]):not([tabindex="-1"]), textarea, [role=button]')]
                .filter(e => e.offsetParent !== null)
                .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || e.labels?.length || e.getAttribute('title') || e.getAttribute('placeholder')))
                .map(e => e.outerHTML.slice(0, 120))
            """);
        Assert.Empty(unnamed);

        // Nothing the app itself does trips its own Content-Security-Policy (or anything else in the console).
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        Assert.DoesNotContain(Fixture.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A conversation worth showing: a picture with boxes, code, a table.</summary>
    private async Task<string> CreateShowcaseConversationAsync()
    {
        Fixture.Ollama.Chat = _ => new FakeChatReply
        {
            Chunks =
            [
                "图中有 **两个方块**，位置如下：\n\n",
                "| 物体 | 颜色 |\n|---|---|\n| 方块 A | 红色 |\n| 方块 B | 绿色 |\n\n",
                "```json\n[{\"bbox_2d\": [100, 200, 500, 600], \"label\": \"红色方块\"},\n {\"bbox_2d\": [550, 50, 950, 450], \"label\": \"绿色方块\"}]\n```\n",
                "用 Python 读取：\n\n```python\nimport json\nboxes = json.loads(answer)  # 坐标是 0–1000 的相对值\nprint(len(boxes))\n```",
            ],
            ChunkDelay = TimeSpan.FromMilliseconds(20),
        };
        var page = await OpenAsync();
        await page.SetInputFilesAsync("#image-input", new FilePayload
        {
            Name = "quadrants.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg(TestImages.Quadrants(960, 720)),
        });
        await Expect(page.Locator(".attachment.ready")).ToHaveCountAsync(1);
        await SendAsync(page, "找出图中的方块，并告诉我怎么用代码读取这些坐标");
        await WaitForAnswerAsync(page);
        await Expect(page).ToHaveURLAsync(ConversationUrl);
        return new Uri(page.Url).AbsolutePath;
    }

    private static async Task AssertFitsTheScreenAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
    }
}
