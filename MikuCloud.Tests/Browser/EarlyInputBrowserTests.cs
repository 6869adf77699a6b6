using Microsoft.Playwright;
using MikuCloud.Testing;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// The chat page is prerendered: the message box shows before the page is interactive. What is typed in that gap is
/// kept, and an Enter pressed in it sends once the page is live (issue 13, item 5). The Blazor script is held back
/// until the test has typed, as on a slow connection or a cold start.
/// </summary>
[Collection(BrowserCollection.Name)]
public class EarlyInputBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_message_typed_and_sent_with_Enter_before_the_page_is_interactive_is_sent_once_it_is()
    {
        Fixture.Ollama.Chat = _ => new FakeChatReply { Chunks = ["收到", "了。"], ChunkDelay = TimeSpan.FromMilliseconds(40) };
        var (context, page) = await Fixture.NewPageAsync();
        await using var _ = context;
        var release = await HoldBackBlazorAsync(page);

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit }); // "load" would wait for the held-back script
        await page.Locator("#chat-text").ClickAsync();
        await page.Keyboard.TypeAsync("早到的消息");
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(0, await page.Locator("html[data-interactive]").CountAsync()); // typed before the page was live
        release.SetResult();

        await WaitForAnswerAsync(page);
        await Expect(page.Locator("article.message.user .user-text")).ToHaveTextAsync("早到的消息");
        await Expect(LastAnswer(page).Locator(".markdown")).ToHaveTextAsync("收到了。");
        Assert.Equal("早到的消息", Fixture.Ollama.ChatRequests.Last()["messages"]!.AsArray().Last()!["content"]!.GetValue<string>());
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("");
        await Expect(page.Locator("article.message")).ToHaveCountAsync(2); // sent once
    }

    [Fact]
    public async Task Text_typed_before_the_page_is_interactive_stays_in_the_box_instead_of_an_old_draft_and_is_kept_as_the_draft()
    {
        var (context, page) = await Fixture.NewPageAsync();
        await using var _ = context;
        await GotoAsync(page, "/");
        await page.EvaluateAsync("() => localStorage.setItem('miku.draft.new', '旧草稿')");
        var release = await HoldBackBlazorAsync(page);

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#chat-text").ClickAsync();
        await page.Keyboard.TypeAsync("新的消息");
        Assert.Equal(0, await page.Locator("html[data-interactive]").CountAsync());
        release.SetResult();
        await page.WaitForSelectorAsync("html[data-interactive]", new() { Timeout = 20_000 });
        await page.WaitForTimeoutAsync(500); // anything the circuit would still put into the box
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("新的消息");

        // Still typing works normally, nothing was sent, and the text is the draft a reload brings back.
        await page.Keyboard.TypeAsync("，还有后文");
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("新的消息，还有后文");
        await Expect(page.Locator("article.message")).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(500); // the draft is saved 300 ms after typing stops
        await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
        await GotoAsync(page, "/");
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("新的消息，还有后文");
    }

    /// <summary>
    /// Holds the Blazor script back until the returned source is completed (or 15 s pass), so the prerendered page
    /// stays non-interactive while the test types.
    /// </summary>
    private static async Task<TaskCompletionSource> HoldBackBlazorAsync(IPage page)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(new System.Text.RegularExpressions.Regex(@"/_framework/blazor\.web\b[^/]*\.js"), async route =>
        {
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(15)));
            await route.ContinueAsync();
        });
        return release;
    }
}
