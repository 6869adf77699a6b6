using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MikuCloud.Api.Chat;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Browser;

/// <summary>Helpers shared by the browser tests: open a page once it is interactive, send, wait for answers, screenshot.</summary>
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];

    protected BrowserFixture Fixture { get; } = fixture;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        if (Fixture.SkipReason is not null)
        {
            Assert.Skip(Fixture.SkipReason);
        }

        // Answers outlive their readers (issue 19): the last test's pages closing no longer stops its answer, which would
        // hold the fixture's one generation slot into this test. Stop what is left, as its Stop button would have.
        foreach (var live in Fixture.Api.Services.GetRequiredService<MikuCloud.Api.Turns.Live.LiveAnswers>().All)
        {
            live.Stop();
        }

        await WaitForIdleApiAsync();
        // The fixture's fake Ollama is shared: a test that scripted a failure must not leave it to the next one
        // (the stats test once met RoughEdges' "CUDA out of memory" reply, depending on the order tests ran in).
        Fixture.Ollama.Chat = _ => new FakeChatReply();
    }

    /// <summary>The fixture allows one generation at a time: make sure the previous test's answer has fully ended.</summary>
    protected async Task WaitForIdleApiAsync()
    {
        var admission = Fixture.Api.Services.GetRequiredService<AdmissionControl>();
        var turns = Fixture.Api.Services.GetRequiredService<ActiveTurns>();
        for (var i = 0; i < 100 && (admission.Running > 0 || turns.Count > 0); i++)
        {
            await Task.Delay(100, Ct);
        }
    }

    protected async Task<IPage> OpenAsync(string path = "/", string locale = "zh-CN", int width = 1280, int height = 800,
        ColorScheme colorScheme = ColorScheme.Light)
    {
        var (context, page) = await Fixture.NewPageAsync(locale, width, height, colorScheme);
        contexts.Add(context);
        await GotoAsync(page, path);
        return page;
    }

    protected static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("html[data-interactive]");
    }

    protected static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("#chat-text", text);
        await page.PressAsync("#chat-text", "Enter");
    }

    protected static ILocator LastAnswer(IPage page) => page.Locator("article.message.assistant").Last;

    protected static async Task WaitForAnswerAsync(IPage page, string status = "complete")
    {
        await Assertions.Expect(LastAnswer(page)).ToHaveAttributeAsync("data-status", status, new() { Timeout = 20_000 });
    }

    protected static Regex ConversationUrl { get; } = new(@"/c/[0-9a-f-]{36}$");

    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.WaitForTimeoutAsync(250); // let animations settle
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png") });
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
