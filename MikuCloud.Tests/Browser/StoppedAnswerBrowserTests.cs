using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>A stopped answer offers what any saved answer does, at once, without a reload (issue 13, item 6).</summary>
[Collection(BrowserCollection.Name)]
public class StoppedAnswerBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Right_after_Stop_the_answer_shows_its_first_token_time_and_can_be_retried_and_regenerated()
    {
        var calls = 0;
        Fixture.Ollama.Chat = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeChatReply { Chunks = [.. Enumerable.Range(1, 40).Select(i => $"第{i}句。")], ChunkDelay = TimeSpan.FromMilliseconds(150) }
            : new FakeChatReply { Chunks = ["重新", "回答。"], ChunkDelay = TimeSpan.FromMilliseconds(40) };
        var page = await OpenAsync();

        await SendAsync(page, "数到四十");
        await Expect(LastAnswer(page).Locator(".markdown")).ToContainTextAsync("第2句。");
        await page.GetByRole(AriaRole.Button, new() { Name = "停止生成" }).ClickAsync();
        await WaitForAnswerAsync(page, "cancelled");

        var answer = LastAnswer(page);
        await Expect(answer.Locator(".badge")).ToHaveTextAsync("已停止");
        await Expect(answer.Locator(".stats")).ToContainTextAsync("首字");
        await Expect(answer.GetByRole(AriaRole.Button, new() { Name = "重新生成" })).ToBeVisibleAsync();

        await WaitForIdleApiAsync();
        await answer.GetByRole(AriaRole.Button, new() { Name = "重试" }).ClickAsync();
        await WaitForAnswerAsync(page);
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("重新回答。");
        await Expect(page.Locator("article.message")).ToHaveCountAsync(2); // replaced, not appended
    }
}
