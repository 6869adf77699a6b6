using Microsoft.Playwright;
using MikuCloud.Testing;
using MikuCloud.Tests.Images;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// End to end in headless Chromium: the Web as a user sees it, the real API behind it, a fake Ollama at the end.
/// Skipped (with the reason) when /usr/bin/chromium is missing.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ChatBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private FakeOllama Ollama => Fixture.Ollama;

    internal static FakeChatReply Reply(params string[] chunks) => new() { Chunks = chunks, ChunkDelay = TimeSpan.FromMilliseconds(40) };

    [Fact]
    public async Task A_suggested_prompt_is_sent_with_Enter_and_the_answer_streams_in_as_markdown_with_stats()
    {
        Ollama.Chat = _ => new FakeChatReply
        {
            Chunks = ["**《三体》**", "的核心主题是", "文明的生存。\n\n", "```python\n", "print(\"黑暗森林\")\n", "```"],
            ChunkDelay = TimeSpan.FromMilliseconds(250),
        };
        var page = await OpenAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "分析一下《三体》这本书的主题思想" }).ClickAsync();
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("分析一下《三体》这本书的主题思想");
        await page.PressAsync("#chat-text", "Shift+Enter"); // a new line, not a send
        await page.Keyboard.TypeAsync("请简短回答");
        await page.PressAsync("#chat-text", "Enter");

        // Streaming: the caret shows while text arrives, then the finished answer with its facts.
        await Expect(page.Locator("article.message.assistant.streaming")).ToBeVisibleAsync();
        await WaitForAnswerAsync(page);
        var answer = LastAnswer(page);
        await Expect(answer.Locator(".markdown strong")).ToHaveTextAsync("《三体》");
        await Expect(answer.Locator(".code-block .code-lang")).ToHaveTextAsync("python");
        await Expect(answer.Locator(".code-block .tok-str")).ToHaveTextAsync("\"黑暗森林\"");
        await Expect(answer.Locator(".stats")).ToContainTextAsync("tokens/s");
        await Expect(answer.Locator(".stats")).ToContainTextAsync("均衡");
        await Expect(page.Locator("article.message.user .user-text")).ToHaveTextAsync("分析一下《三体》这本书的主题思想\n请简短回答");

        // The conversation exists: URL, sidebar, and the model received the exact text.
        await Expect(page).ToHaveURLAsync(ConversationUrl);
        await Expect(page.Locator("nav.sidebar a.link").First).ToHaveTextAsync("分析一下《三体》这本书的主题思想");
        Assert.Equal("分析一下《三体》这本书的主题思想\n请简短回答", Ollama.ChatRequests.Last()["messages"]!.AsArray().Last()!["content"]!.GetValue<string>());
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("");
        await ScreenshotAsync(page, "chat-desktop-light");
    }

    [Fact]
    public async Task A_picked_picture_reaches_the_model_and_grounding_boxes_are_drawn_over_it()
    {
        Ollama.Chat = _ => Reply("找到了两个物体：\n```json\n", """[{"bbox_2d": [100, 200, 500, 600], "label": "红色方块"},""",
            """ {"bbox_2d": [550, 50, 950, 450], "label": "绿色方块"}]""", "\n```");
        var page = await OpenAsync();
        var png = TestImages.Png(TestImages.Quadrants(640, 480));

        await page.SetInputFilesAsync("#image-input", new FilePayload { Name = "quadrants.png", MimeType = "image/png", Buffer = png });
        await Expect(page.Locator(".attachment.ready")).ToHaveCountAsync(1);
        await SendAsync(page, "找出图中的物体，用 bbox_2d 标出");
        await WaitForAnswerAsync(page);

        // The fake Ollama got the picture (processed by the API) with the question.
        var last = Ollama.ChatRequests.Last()["messages"]!.AsArray().Last()!;
        var sent = Assert.Single(last["images"]!.AsArray());
        Assert.True(Convert.FromBase64String(sent!.GetValue<string>()).Length > 100);

        // The question's picture is served back through the Web, and the boxes sit where the model said.
        var thumb = page.Locator("article.message.user .image-thumb img");
        await Expect(thumb).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^images/[0-9a-f-]{36}$"));
        Assert.True(await thumb.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        var boxes = LastAnswer(page).Locator(".grounding .box");
        await Expect(boxes).ToHaveCountAsync(2);
        await Expect(boxes.First).ToHaveAttributeAsync("data-label", "红色方块");
        await LastAnswer(page).Locator(".grounding img").EvaluateAsync("img => img.decode()");
        // One measurement in the page, so a smooth scroll cannot move things between two reads.
        var relative = await boxes.First.EvaluateAsync<double[]>("""
            box => {
                const i = box.closest('.frame').querySelector('img').getBoundingClientRect(), b = box.getBoundingClientRect();
                return [(b.left - i.left) / i.width, (b.top - i.top) / i.height, b.width / i.width, b.height / i.height];
            }
            """);
        Assert.InRange(relative[0], 0.09, 0.11);
        Assert.InRange(relative[1], 0.19, 0.21);
        Assert.InRange(relative[2], 0.39, 0.41);
        Assert.InRange(relative[3], 0.39, 0.41);
        await ScreenshotAsync(page, "grounding-desktop-light");

        // Click opens it larger; Escape closes, even pressed the moment it appears, before focus has moved into the
        // dialog (a JS interop round trip later): the key then lands on the page behind it.
        await thumb.EvaluateAsync("""
            img => new Promise(resolve => {
                new MutationObserver((_, observer) => {
                    if (!document.querySelector('.lightbox')) return;
                    observer.disconnect();
                    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
                    resolve();
                }).observe(document.body, { childList: true, subtree: true });
                img.click();
            })
            """);
        await Expect(page.Locator(".lightbox")).ToHaveCountAsync(0);

        // Opened again, keyboard focus lands on its close button, and Escape from there closes it too.
        await thumb.ClickAsync();
        await Expect(page.Locator(".lightbox button.close")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".lightbox")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Dropped_and_pasted_pictures_are_attached_and_can_be_removed()
    {
        var page = await OpenAsync();
        var png = Convert.ToBase64String(TestImages.Png(TestImages.Solid(64, 48, TestImages.Blue)));

        await page.EvaluateAsync("""
            b64 => {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const drop = new DataTransfer();
                drop.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
                document.dispatchEvent(new DragEvent("dragenter", { dataTransfer: drop, bubbles: true }));
                document.querySelector("main").dispatchEvent(new DragEvent("drop", { dataTransfer: drop, bubbles: true, cancelable: true }));
                const paste = new DataTransfer();
                paste.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
                document.querySelector("#chat-text").dispatchEvent(new ClipboardEvent("paste", { clipboardData: paste, bubbles: true, cancelable: true }));
            }
            """, png);

        await Expect(page.Locator(".attachment.ready")).ToHaveCountAsync(2);
        await Expect(page.Locator("body.dragging-files")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "移除图片 dropped.png" }).ClickAsync();
        await Expect(page.Locator(".attachment")).ToHaveCountAsync(1);
        await Expect(page.Locator(".attachment img")).ToHaveAttributeAsync("alt", "pasted.png");

        // Not an image: refused in the browser with the reason, nothing uploaded.
        await page.SetInputFilesAsync("#image-input", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Expect(page.Locator(".input-error")).ToContainTextAsync("“notes.txt”不是支持的图片格式");
    }

    [Fact]
    public async Task Stop_keeps_the_partial_answer_as_cancelled_and_a_reload_finds_the_history()
    {
        Ollama.Chat = _ => new FakeChatReply { Chunks = [.. Enumerable.Range(1, 40).Select(i => $"第{i}句。")], ChunkDelay = TimeSpan.FromMilliseconds(150) };
        var page = await OpenAsync();
        while (Ollama.ChatCancelled.CurrentCount > 0)
        {
            await Ollama.ChatCancelled.WaitAsync(Ct);
        }

        await SendAsync(page, "数到四十");
        await Expect(LastAnswer(page).Locator(".markdown")).ToContainTextAsync("第2句。");
        await page.GetByRole(AriaRole.Button, new() { Name = "停止生成" }).ClickAsync();

        await WaitForAnswerAsync(page, "cancelled");
        await Expect(LastAnswer(page).Locator(".badge")).ToHaveTextAsync("已停止");
        Assert.True(await Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "the request to Ollama was not cancelled");
        var partial = await LastAnswer(page).Locator(".markdown").InnerTextAsync();
        Assert.DoesNotContain("第40句。", partial);

        await WaitForIdleApiAsync();
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-interactive]");
        await Expect(page.Locator("article.message.user .user-text")).ToHaveTextAsync("数到四十");
        await WaitForAnswerAsync(page, "cancelled");
        await Expect(LastAnswer(page).Locator(".markdown")).ToContainTextAsync("第2句。");
        await Expect(page.Locator("nav.sidebar a.link[aria-current=page]")).ToHaveTextAsync("数到四十");
    }

    [Fact]
    public async Task Script_event_handlers_and_javascript_links_in_an_answer_do_not_execute()
    {
        Ollama.Chat = _ => Reply(
            "<script>window.__xss = 'script'</script>\n\n",
            "<img src=x onerror=\"window.__xss = 'img'\">\n\n",
            "[点我](javascript:window.__xss='md-link')\n\n",
            "<a href=\"javascript:window.__xss='a'\">a</a> <svg onload=\"window.__xss='svg'\"></svg>\n\n",
            "<iframe src=\"javascript:parent.__xss='iframe'\"></iframe>\n\n",
            "[data](data:text/html,<script>alert(1)</script>) ![x](javascript:window.__xss='img-md')");
        var page = await OpenAsync();
        var dialogs = 0;
        page.Dialog += async (_, dialog) =>
        {
            dialogs++;
            await dialog.DismissAsync();
        };

        await SendAsync(page, "请原样输出这些 HTML");
        await WaitForAnswerAsync(page);
        var answer = LastAnswer(page).Locator(".markdown");
        foreach (var link in await answer.Locator("a").AllAsync())
        {
            await link.ClickAsync();
        }

        await page.WaitForTimeoutAsync(300);
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
        Assert.Equal(0, dialogs);
        Assert.Equal(0, await answer.Locator("script, img, iframe, svg").CountAsync());
        var handlers = await answer.EvaluateAsync<int>("el => [...el.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on') || /^\\s*(javascript|data):/i.test(a.value))).length");
        Assert.Equal(0, handlers);
        await Expect(answer).ToContainTextAsync("<script>window.__xss = 'script'</script>"); // visible as text
    }

    [Fact]
    public async Task The_language_follows_the_browser_can_be_switched_and_is_remembered()
    {
        var page = await OpenAsync(locale: "en-US");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#chat-text")).ToHaveAttributeAsync("placeholder", "Message Miku…");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hi, I'm Miku!" })).ToBeVisibleAsync();

        await page.Locator("[data-testid=language-switch]").ClickAsync();
        await page.WaitForSelectorAsync("html[lang=zh-CN][data-interactive]");
        await Expect(page.Locator("#chat-text")).ToHaveAttributeAsync("placeholder", "给 Miku 发消息…");

        await GotoAsync(page, "/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN"); // the cookie beats Accept-Language
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "你好，我是 Miku！" })).ToBeVisibleAsync();
    }
}
