using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MikuCloud.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Security;

/// <summary>Helpers for the security browser tests: pages that record CSP violations, sign-in through the real form.</summary>
public abstract partial class SecurityBrowserTest(SecurityFixture fixture) : IAsyncLifetime
{
    /// <summary>Registered before any page script: every <c>securitypolicyviolation</c> the document sees.</summary>
    private const string RecordViolations = """
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
        """;

    private readonly List<IBrowserContext> contexts = [];

    protected SecurityFixture Fixture { get; } = fixture;

    protected SecurityStack Stack => Fixture.Stack;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Console errors of the pages this test opened.</summary>
    protected List<string> ConsoleErrors { get; } = [];

    public virtual ValueTask InitializeAsync()
    {
        if (Fixture.SkipReason is not null)
        {
            Assert.Skip(Fixture.SkipReason);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh browser context (own cookies) on <paramref name="stack"/> (default: the shared one).</summary>
    protected async Task<IPage> NewPageAsync(SecurityStack? stack = null, string locale = "zh-CN", int width = 1280, int height = 800,
        ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Fixture.Browser!.NewContextAsync(BrowserFixture.ContextOptions((stack ?? Stack).WebAddress, locale, width, height, colorScheme));
        context.SetDefaultTimeout(15_000);
        await context.AddInitScriptAsync(RecordViolations);
        contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (ConsoleErrors)
                {
                    ConsoleErrors.Add(message.Text);
                }
            }
        };
        return page;
    }

    /// <summary>Signs in with the real form and waits for the interactive chat.</summary>
    protected static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("login");
        await page.FillAsync("#login-user", userName);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(ChatUrl());
        await page.WaitForSelectorAsync("html[data-interactive]");
    }

    /// <summary>A new page signed in as <paramref name="userName"/>.</summary>
    protected async Task<IPage> SignedInPageAsync(string userName, string password, SecurityStack? stack = null)
    {
        var page = await NewPageAsync(stack);
        await SignInAsync(page, userName, password);
        return page;
    }

    protected static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => window.__violations ?? []");

    /// <summary>The chat's root ("/" or a conversation), not a sign-in page.</summary>
    protected static Regex ChatUrl() => ChatUrlPattern();

    protected static Regex LoginUrl() => LoginUrlPattern();

    protected static async Task ExpectSignInPageAsync(IPage page)
    {
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await Expect(page.Locator("#login-user")).ToBeVisibleAsync();
    }

    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.WaitForTimeoutAsync(250);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    protected static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [GeneratedRegex(@"^https?://[^/]+/(c/[0-9a-f-]{36})?$")]
    private static partial Regex ChatUrlPattern();

    [GeneratedRegex(@"/login(\?.*)?$")]
    private static partial Regex LoginUrlPattern();
}
