using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>The Chinese UI speaks Chinese about failures and does not guess why a conversation is missing (issue 13, item 7).</summary>
[Collection(BrowserCollection.Name)]
public class RoughEdgesBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_model_failure_is_explained_in_Chinese_with_the_model_servers_own_words_as_detail()
    {
        Fixture.Ollama.Chat = _ => new FakeChatReply { Chunks = ["写到一半"], ErrorAfterChunks = "CUDA error: out of memory" };
        var page = await OpenAsync();

        await SendAsync(page, "描述一下这张照片");
        await WaitForAnswerAsync(page, "failed");

        var status = LastAnswer(page).Locator(".status-line");
        await Expect(status.Locator(".status-help")).ToHaveTextAsync("模型服务内存不足，无法生成回答。可以缩短对话、减少图片，或稍后重试。");
        var detail = status.Locator("details.error-detail");
        await Expect(detail.Locator("code")).Not.ToBeVisibleAsync(); // folded away until asked for
        await detail.Locator("summary").ClickAsync();
        await Expect(detail.Locator("code")).ToHaveTextAsync("CUDA error: out of memory");

        // The same after a reload, from the saved answer.
        await GotoAsync(page, new Uri(page.Url).AbsolutePath);
        await WaitForAnswerAsync(page, "failed");
        await Expect(LastAnswer(page).Locator(".status-help")).ToHaveTextAsync("模型服务内存不足，无法生成回答。可以缩短对话、减少图片，或稍后重试。");
    }

    [Fact]
    public async Task An_unknown_conversation_address_says_it_cannot_be_found_without_guessing_why()
    {
        var page = await OpenAsync($"/c/{Guid.NewGuid()}");

        var notice = page.Locator("[data-testid=not-found]");
        await Expect(notice).ToContainTextAsync("找不到这个对话");
        await Expect(notice).Not.ToContainTextAsync("删除");
    }
}
