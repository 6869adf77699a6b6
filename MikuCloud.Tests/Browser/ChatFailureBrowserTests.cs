using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// End to end in headless Chromium, when chat goes wrong: every slot busy, an answer failing half-way, the model server
/// gone. What the user sees, that nothing they typed is lost, and that retrying works.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ChatFailureBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private FakeOllama Ollama => Fixture.Ollama;

    private static FakeChatReply Reply(params string[] chunks) => ChatBrowserTests.Reply(chunks);

    [Fact]
    public async Task When_all_slots_are_busy_the_user_sees_a_countdown_and_the_message_is_sent_when_free()
    {
        var calls = 0;
        Ollama.Chat = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeChatReply { Chunks = ["占着"], HangAfterChunks = true }
            : Reply("终于", "轮到你了");
        // Someone else's answer holds the only generation slot.
        using var other = Fixture.Api.CreateAbruptClient();
        using var created = await other.PostAsJsonAsync("/api/conversations", new { title = "别人的对话" }, Ct);
        var otherId = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<string>();
        // cancelOnDisconnect: its client going away ends it (the API's default keeps an answer going without a reader).
        using var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{otherId}/messages?cancelOnDisconnect=true") { Content = JsonContent.Create(new { content = "hold" }) };
        var holding = await other.SendAsync(hold, HttpCompletionOption.ResponseHeadersRead, Ct);

        var page = await OpenAsync();
        await SendAsync(page, "你好，在吗？");

        var busy = page.Locator("[data-testid=busy]");
        await Expect(busy).ToContainTextAsync("Miku 正在忙着回答其他问题");
        await Expect(busy).ToContainTextAsync("秒后自动重试");
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("你好，在吗？"); // nothing typed is lost
        await Expect(page.Locator("article.message")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "busy-desktop-light");

        holding.Dispose(); // the other answer ends; the slot frees
        await WaitForAnswerAsync(page);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("终于轮到你了");
        await Expect(busy).ToHaveCountAsync(0);
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task A_failed_answer_is_marked_and_retry_answers_again()
    {
        var calls = 0;
        Ollama.Chat = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeChatReply { Chunks = ["写到一半"], ErrorAfterChunks = "CUDA error: out of memory" }
            : Reply("重新", "回答成功。");
        var page = await OpenAsync();

        await SendAsync(page, "一个房间有4个角，每个角有一只猫，房间里有几只猫？");
        await WaitForAnswerAsync(page, "failed");
        await Expect(LastAnswer(page).Locator(".badge")).ToHaveTextAsync("生成失败");
        await ScreenshotAsync(page, "failed-desktop-light");

        await LastAnswer(page).GetByRole(AriaRole.Button, new() { Name = "重试" }).ClickAsync();
        await WaitForAnswerAsync(page);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("重新回答成功。");
        await Expect(page.Locator("article.message")).ToHaveCountAsync(2); // replaced, not appended
    }

    [Fact]
    public async Task An_unreachable_model_is_explained_the_message_is_kept_and_retry_works_once_it_is_back()
    {
        Ollama.Chat = _ => Reply("我回来了。");
        var port = Ollama.Endpoint.Port;
        await Ollama.StopAsync();
        try
        {
            // The API's view of Ollama is at most OllamaRuntimeProbe.CacheFor old, and a page that opens on "ready" looks
            // again only a minute later: an earlier test's page read "ready" a moment ago (seen on CI), so let that age out.
            await Task.Delay(MikuCloud.Api.Models.OllamaRuntimeProbe.CacheFor + TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
            var page = await OpenAsync();
            await Expect(page.Locator("[data-testid=model-state]")).ToContainTextAsync("模型服务暂时不可用");
            await Expect(page.Locator("nav.sidebar [data-model-status]")).ToHaveAttributeAsync("data-model-status", "unavailable");

            await SendAsync(page, "用古诗词的风格描述一下人工智能");
            var notice = page.Locator("[data-testid=unavailable]");
            await Expect(notice).ToContainTextAsync("你的消息已保存");
            await Expect(page.Locator("article.message.user .user-text")).ToHaveTextAsync("用古诗词的风格描述一下人工智能");
            await WaitForAnswerAsync(page, "failed");
            await ScreenshotAsync(page, "unavailable-desktop-light");

            await Ollama.StartOnAsync(port);
            await notice.GetByRole(AriaRole.Button, new() { Name = "立即重试" }).ClickAsync();
            await WaitForAnswerAsync(page);
            await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("我回来了。");
            await Expect(page.Locator("[data-testid=model-state]")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        }
        finally
        {
            if (!await IsUpAsync())
            {
                await Ollama.StartOnAsync(port);
            }
        }
    }

    private async Task<bool> IsUpAsync()
    {
        try
        {
            using var http = new HttpClient { BaseAddress = Ollama.Endpoint, Timeout = TimeSpan.FromSeconds(2) };
            return (await http.GetAsync("/", Ct)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
